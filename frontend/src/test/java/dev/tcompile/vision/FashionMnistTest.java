package dev.tcompile.vision;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {
  @TempDir Path dir;

  @Test void readsFromItsOwnFolderThenFromTheFallbackFolder() throws Exception {
    Path fallback = Files.createDirectories(dir.resolve("usr-share"));
    Files.write(fallback.resolve("t10k-images-idx3-ubyte.gz"), IdxFileTest.gzip(IdxFileTest.idx(0x803, new int[]{2, 28, 28}, 2 * 784)));
    Files.write(fallback.resolve("t10k-labels-idx1-ubyte"), new byte[]{0, 0, 8, 1, 0, 0, 0, 2, 9, 4});
    MNIST.Source source = new MNIST.Source("FashionMNIST", List.of(), List.of(), List.of(fallback));
    MNIST ds = new MNIST(source, dir.resolve("root").toString(), false, false, null, List.of());
    assertEquals(2, ds.size());
    assertEquals(9, ds.get(0).label());
    assertEquals(4, ds.get(1).label());
  }

  /** Only where Debian's dataset-fashion-mnist package is installed. */
  @Test void debianPackageLocation() {
    assumeTrue(Files.isDirectory(FashionMNIST.DEBIAN_DIR), "dataset-fashion-mnist is not installed");
    FashionMNIST test = new FashionMNIST(dir.toString(), false, true, Transforms.toTensor());
    assertEquals(10000, test.size());
    assertEquals(9, test.get(0).label(), "the first Fashion-MNIST test item is an ankle boot");
    assertEquals("Ankle boot", test.classes().get(9));
    assertArrayEquals(new int[]{1, 28, 28}, test.get(0).image().shapeArray());
    assertEquals(60000, new FashionMNIST(dir.toString(), true).size());
  }
}
