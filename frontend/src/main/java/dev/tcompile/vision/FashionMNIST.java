package dev.tcompile.vision;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code torchvision.datasets.FashionMNIST}: Zalando's 28x28 grey clothing images, read from
 * {@code root/FashionMNIST/raw/}. When they are not there, the files installed by Debian's
 * {@code dataset-fashion-mnist} package ({@code /usr/share/datasets/fashion-mnist/}) are used.
 */
public class FashionMNIST extends MNIST {
  public static final List<String> MIRRORS = List.of("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/");

  /** Where Debian's dataset-fashion-mnist package puts the four .gz files. */
  public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");

  private static final Source SOURCE = new Source("FashionMNIST", List.of(
      new Downloader.Remote("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d", 26421880),
      new Downloader.Remote("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe", 29515),
      new Downloader.Remote("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79", 4422102),
      new Downloader.Remote("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310", 5148)),
      List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"),
      List.of(DEBIAN_DIR));

  public FashionMNIST(String root) { this(root, true, false, null); }

  public FashionMNIST(String root, boolean train) { this(root, train, false, null); }

  public FashionMNIST(String root, boolean train, boolean download, Transform transform) {
    this(root, train, download, transform, MIRRORS);
  }

  public FashionMNIST(String root, boolean train, boolean download, Transform transform, List<String> mirrors) {
    super(SOURCE, root, train, download, transform, mirrors);
  }
}
