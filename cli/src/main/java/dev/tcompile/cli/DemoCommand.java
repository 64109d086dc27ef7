package dev.tcompile.cli;

import dev.tcompile.GradGuard;
import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.cli.demo.SeedFigures;
import dev.tcompile.cli.demo.StepTimes;
import dev.tcompile.cli.demo.Trainer;
import dev.tcompile.data.Batch;
import dev.tcompile.data.DataLoader;
import dev.tcompile.nn.F;
import dev.tcompile.nn.Module;
import dev.tcompile.optim.SGD;
import dev.tcompile.vision.MNIST;
import dev.tcompile.vision.Transforms;
import dev.tcompile.vision.models.MnistNet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tcompile demo}: the seed's MNIST CNN trained on the bundled sample, with accuracy and the seed's figures. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Train the seed tutorial's MNIST CNN on the bundled sample (8,000 train / 2,000 test digits), "
        + "report test accuracy and draw the tutorial's figures.")
final class DemoCommand implements Callable<Integer> {
  @Option(names = "--data", description = "Root holding MNIST/raw/*-ubyte.gz (default: the bundled sample).")
  Path data;

  @Option(names = "--epochs", defaultValue = "2", description = "Passes over the training set (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch-size", defaultValue = "64", description = "Default: ${DEFAULT-VALUE}.")
  int batchSize;

  @Option(names = "--lr", defaultValue = "0.01", description = "SGD learning rate (default: ${DEFAULT-VALUE}).")
  double lr;

  @Option(names = "--momentum", defaultValue = "0.5", description = "SGD momentum (default: ${DEFAULT-VALUE}).")
  double momentum;

  @Option(names = "--seed", defaultValue = "0", description = "Torch.manualSeed for weights and shuffling (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--eager", description = "Train eagerly instead of with a compiled train step.")
  boolean eager;

  @Option(names = "--figures", defaultValue = "figures", description = "Where to write the PNG figures (default: ${DEFAULT-VALUE}).")
  Path figures;


  @Option(names = "--step-times", hidden = true, paramLabel = "FILE",
      description = "Write every training step's wall and CPU time to FILE as CSV (start-up measurements).")
  Path stepTimes;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--no-progress", description = "Print one line per epoch instead of a progress bar "
      + "(the default when the output is not a terminal).")
  boolean noProgress;

  @Option(names = "--spark", paramLabel = "MASTER", description = "Train data-parallel on Apache Spark instead "
      + "(local[N] or spark://host:port): runs distributed/spark-demo, which keeps Spark out of this command's class path.")
  String spark;

  @Option(names = "--replicas", description = "With --spark: replicas (barrier tasks), one per slot (default: N of local[N], else 2).")
  Integer replicas;

  @Override public Integer call() throws Exception {
    checkOptions();
    if (spark != null) return runOnSpark();
    Path root = data != null ? data : Home.path().resolve("data");
    Torch.manualSeed(seed);
    var transform = Transforms.compose(Transforms.toTensor(), Transforms.normalize(new double[]{0.1307}, new double[]{0.3081}));
    MNIST train = new MNIST(root.toString(), true, false, transform);
    MNIST test = new MNIST(root.toString(), false, false, transform);
    DataLoader trainLoader = new DataLoader(train, batchSize, true, 2);
    DataLoader testLoader = new DataLoader(test, 1000, false, 2);
    System.out.printf("MNIST from %s: %d training and %d test digits; %s training, batch %d, SGD(lr=%s, momentum=%s)%n",
        root, train.size(), test.size(), eager ? "eager" : "compiled", batchSize, lr, momentum);

    MnistNet net = new MnistNet();
    System.out.println(net);
    SGD optimizer = new SGD(net.parameters(), lr, momentum);
    Trainer trainer = eager ? Trainer.eager(net, optimizer) : Trainer.compiled(Torch.compileTrainStep(net, F::nllLoss, optimizer));
    Module evaluate = eager ? net : Torch.compile(net);

    StepTimes times = stepTimes != null ? new StepTimes() : null;
    for (int epoch = 1; epoch <= epochs; epoch++) {
      if (times != null) times.startEpoch(epoch);
      long t0 = System.nanoTime();
      double loss = trainer.epoch(trainLoader, "Epoch " + epoch + "/" + epochs, !noProgress && interactive(), times);
      double seconds = (System.nanoTime() - t0) / 1e9;
      int correct = accuracy(evaluate, testLoader);
      System.out.printf("epoch %d: mean loss %.4f, test accuracy %.2f%% (%d/%d), %.1f s (%.0f images/s)%n", epoch, loss,
          100.0 * correct / test.size(), correct, test.size(), seconds, train.size() / seconds);
      if (times != null) times.write(stepTimes);
    }
    net.eval();
    Files.createDirectories(figures);
    var sample = test.get(0);
    Path[] written = SeedFigures.draw(net, sample.image(), sample.label(), figures);
    for (Path p : written) System.out.println("wrote " + p);
    return 0;
  }

  /**
   * The Spark demo in its own JVM ({@code distributed/spark-demo}, which builds the module on first use and sets
   * the JVM flags Spark needs): the same model, data and optimiser, the global batch split over the replicas.
   */
  private int runOnSpark() throws Exception {
    Path script = Home.path().resolve("distributed").resolve("spark-demo");
    if (!Files.isRegularFile(script)) throw new IllegalStateException("--spark needs the distributed module: " + script + " is missing");
    int n = replicas != null ? replicas : sparkSlots(spark);
    List<String> cmd = new ArrayList<>(List.of("bash", script.toString(), "--master", spark, "--replicas", Integer.toString(n),
        "--batch", Integer.toString(batchSize), "--epochs", Integer.toString(epochs), "--lr", Double.toString(lr),
        "--momentum", Double.toString(momentum)));
    if (data != null) { cmd.add("--data"); cmd.add(data.toString()); }
    Process p = new ProcessBuilder(cmd).directory(Home.path().toFile()).inheritIO().start();
    return p.waitFor();
  }

  /** N of local[N], 2 otherwise (a cluster's slots are not known here). */
  static int sparkSlots(String master) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("local\\[(\\d+)(,\\d+)?]").matcher(master);
    return m.matches() ? Integer.parseInt(m.group(1)) : 2;
  }

  /** Every option is checked before any data is read or any step trained: a mistake costs no training time. */
  private void checkOptions() {
    if (batchSize < 1) throw invalid("--batch-size", "must be a positive integer, got " + batchSize);
    if (epochs < 0) throw invalid("--epochs", "must be 0 or more, got " + epochs);
    if (!(lr >= 0) || Double.isInfinite(lr)) throw invalid("--lr", "must be a non-negative number, got " + lr);
    if (!(momentum >= 0) || Double.isInfinite(momentum)) throw invalid("--momentum", "must be a non-negative number, got " + momentum);
    if (data != null && !Files.isDirectory(data)) throw invalid("--data", "no such folder: " + data.toAbsolutePath());
    if (spark != null && !spark.matches("local(\\[(\\d+|\\*)(,\\d+)?])?|(spark|yarn|k8s)(://.+)?"))
      throw invalid("--spark", "expected local[N] or a master URL such as spark://host:7077, got " + spark);
    if (spark != null && eager) throw invalid("--spark", "cannot be combined with --eager");
    if (replicas != null && replicas < 1) throw invalid("--replicas", "must be a positive integer, got " + replicas);
    try {
      Files.createDirectories(figures);
      Files.delete(Files.createTempFile(figures, ".write-check", ".tmp"));
    } catch (java.io.IOException | RuntimeException e) {
      throw invalid("--figures", "cannot write figures to " + figures.toAbsolutePath() + " (" + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
    }
  }

  private picocli.CommandLine.ParameterException invalid(String option, String why) {
    return new picocli.CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '" + option + "': " + why);
  }

  private static boolean interactive() {
    java.io.Console c = System.console();
    return c != null && c.isTerminal();
  }

  private static int accuracy(Module model, DataLoader loader) {
    boolean training = model.isTraining();
    model.eval();
    int correct = 0;
    try (GradGuard g = Torch.noGrad()) {
      for (Batch b : loader) {
        Tensor predicted = model.forward(b.inputs()).argmax(1);
        correct += (int) predicted.eq(b.labels()).sum().toLongArray()[0];
      }
    } finally {
      model.train(training);
    }
    return correct;
  }
}
