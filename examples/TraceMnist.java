// A model for `tcompile trace`: the seed's MNIST CNN with one example batch. Try
//   ./tcompile trace examples/TraceMnist.java -o target/mnist.tir && ./tcompile inspect target/mnist.tir
// The class implements Traceable: examples() fixes the input shapes, model() gives the module (traced in eval mode;
// its parameters become constants named as in its stateDict, the large ones stored in target/mnist.safetensors).
import dev.tcompile.*;
import dev.tcompile.nn.Module;
import dev.tcompile.vision.models.MnistNet;

public class TraceMnist implements Traceable {
  public Module model() {
    Torch.manualSeed(0);
    return new MnistNet();
  }

  public Tensor[] examples() { return new Tensor[]{Torch.randn(1, 1, 28, 28)}; }
}
