package dev.tcompile.vision;

import dev.tcompile.Tensor;
import dev.tcompile.TorchException;
import dev.tcompile.data.Dataset;
import dev.tcompile.runtime.NDArray;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code torchvision.datasets.MNIST}: 28x28 grey digits and their labels, read from the IDX files
 * ({@code train-images-idx3-ubyte} etc., plain or {@code .gz}) in {@code root/MNIST/raw/}.
 *
 * <p>Without a transform an image is an int64 {@code [28, 28]} tensor of the raw pixel values 0..255 (what
 * {@code np.array(pil_image)} holds; tcompile has no uint8 dtype); {@link Transforms#toTensor()} turns it into
 * a float32 {@code [1, 28, 28]} tensor in [0, 1], as in torchvision.
 */
public class MNIST implements Dataset<Sample> {
  /** torchvision's mirrors, the one that still answers first. */
  public static final List<String> MIRRORS = List.of("https://ossci-datasets.s3.amazonaws.com/mnist/",
      "http://yann.lecun.com/exdb/mnist/");

  private static final Source SOURCE = new Source("MNIST", List.of(
      new Downloader.Remote("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873", 9912422),
      new Downloader.Remote("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432", 28881),
      new Downloader.Remote("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3", 1648877),
      new Downloader.Remote("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c", 4542)),
      List.of("0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five", "6 - six", "7 - seven",
          "8 - eight", "9 - nine"), List.of());

  /** What differs between MNIST-like data sets: folder, published files, class names, places to look besides root. */
  record Source(String folder, List<Downloader.Remote> files, List<String> classes, List<Path> fallbackDirs) {}

  private final Source source;
  private final String root;
  private final boolean train;
  private final Transform transform;
  private final int count, rows, cols;
  private final byte[] images, labels;

  public MNIST(String root) { this(root, true, false, null); }

  public MNIST(String root, boolean train) { this(root, train, false, null); }

  public MNIST(String root, boolean train, boolean download, Transform transform) {
    this(root, train, download, transform, MIRRORS);
  }

  /** As above, downloading from {@code mirrors} (URL prefixes ending in '/') instead of torchvision's. */
  public MNIST(String root, boolean train, boolean download, Transform transform, List<String> mirrors) {
    this(SOURCE, root, train, download, transform, mirrors);
  }

  MNIST(Source source, String root, boolean train, boolean download, Transform transform, List<String> mirrors) {
    this.source = source;
    this.root = root;
    this.train = train;
    this.transform = transform;
    Path raw = rawFolder();
    if (download && !hasAll(raw)) {
      if (!source.fallbackDirs().stream().anyMatch(this::hasAll)) Downloader.fetchMissing(raw, mirrors, source.files());
    }
    String split = train ? "train" : "t10k";
    IdxFile.Contents img = IdxFile.read(locate(split + "-images-idx3-ubyte"), 3);
    IdxFile.Contents lab = IdxFile.read(locate(split + "-labels-idx1-ubyte"), 1);
    if (img.count() != lab.count())
      throw new TorchException(source.folder() + " " + split + ": the images file holds " + img.count()
          + " images but the labels file " + lab.count() + " labels");
    this.count = img.count();
    this.rows = img.dims()[1];
    this.cols = img.dims()[2];
    this.images = img.data();
    this.labels = lab.data();
  }

  /** {@code root/MNIST/raw} (for FashionMNIST {@code root/FashionMNIST/raw}). */
  public Path rawFolder() { return Path.of(root, source.folder(), "raw"); }

  public boolean isTrain() { return train; }

  public List<String> classes() { return source.classes(); }

  @Override public int size() { return count; }

  @Override public Sample get(int index) {
    if (index < -count || index >= count)
      throw new TorchException("index " + index + " is out of bounds for dimension 0 with size " + count);
    int i = index < 0 ? index + count : index;
    int n = rows * cols;
    long[] px = new long[n];
    for (int j = 0, off = i * n; j < n; j++) px[j] = images[off + j] & 0xff;
    Tensor image = Tensor.wrap(NDArray.wrap(px, rows, cols));
    return new Sample(transform == null ? image : transform.apply(image), labels[i] & 0xff);
  }

  /** All labels as an int64 tensor (torchvision's {@code targets}). */
  public Tensor targets() {
    long[] t = new long[count];
    for (int i = 0; i < count; i++) t[i] = labels[i] & 0xff;
    return Tensor.wrap(NDArray.wrap(t, count));
  }

  @Override public String toString() {
    StringBuilder sb = new StringBuilder("Dataset ").append(getClass().getSimpleName())
        .append("\n    Number of datapoints: ").append(count)
        .append("\n    Root location: ").append(root)
        .append("\n    Split: ").append(train ? "Train" : "Test");
    if (transform != null) sb.append("\n    StandardTransform\nTransform: ").append(String.valueOf(transform).replace("\n", "\n           "));
    return sb.toString();
  }

  private boolean hasAll(Path dir) {
    return source.files().stream().allMatch(f -> Downloader.present(dir, f));
  }

  /** The uncompressed file, else the .gz, in the raw folder, else in a fallback folder. */
  private Path locate(String base) {
    List<Path> dirs = new ArrayList<>();
    dirs.add(rawFolder());
    dirs.addAll(source.fallbackDirs());
    for (Path dir : dirs) {
      for (String name : List.of(base, base + ".gz")) {
        Path p = dir.resolve(name);
        if (Files.isRegularFile(p)) return p;
      }
    }
    throw new TorchException("Dataset not found: no " + base + " or " + base + ".gz in " + rawFolder().toAbsolutePath()
        + (source.fallbackDirs().isEmpty() ? "" : " (nor in " + source.fallbackDirs() + ")")
        + ". You can use download=true to download it, or put the files "
        + String.join(", ", source.files().stream().map(Downloader.Remote::name).toList()) + " there.");
  }
}
