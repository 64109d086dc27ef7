package dev.tcompile.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tcompile.TorchException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** IDX files that lie about their sizes, and mutation fuzzing of the plain and gzip readers. */
class HostileIdxTest {
  static final int INPUTS = Integer.getInteger("fuzz.idx.inputs", 1000);
  @TempDir Path dir;

  @Test void aHeaderAnnouncingGigabytesFailsBeforeAllocatingThem() throws IOException {
    byte[] header = IdxFileTest.idx(0x803, new int[]{1, 46000, 46000}, 0);
    Path plain = Files.write(dir.resolve("big-idx3-ubyte"), header);
    String m = assertThrows(TorchException.class, () -> IdxFile.read(plain, 3)).getMessage();
    assertTrue(m.contains("data ends at byte 16 but the header (1 x 46000 x 46000) announces 2116000000 bytes"), m);
    Path gz = Files.write(dir.resolve("big-idx3-ubyte.gz"), IdxFileTest.gzip(header));
    m = assertThrows(TorchException.class, () -> IdxFile.read(gz, 3)).getMessage();
    assertTrue(m.contains("data ends at byte 16 but the header (1 x 46000 x 46000) announces 2116000000 bytes"), m);
  }

  @Test void compressedDataLargerThanTheFirstBufferStillReads() throws IOException {
    int n = 3 * 1024 * 1024 + 5;
    byte[] content = IdxFileTest.idx(0x801, new int[]{n}, n);
    Path gz = Files.write(dir.resolve("labels-idx1-ubyte.gz"), IdxFileTest.gzip(content));
    IdxFile.Contents c = IdxFile.read(gz, 1);
    assertArrayEquals(new int[]{n}, c.dims());
    assertArrayEquals(java.util.Arrays.copyOfRange(content, 8, content.length), c.data());
  }

  @Test @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void mutatedFilesOnlyFailWithTorchExceptions() throws IOException {
    byte[] seed = IdxFileTest.idx(0x803, new int[]{2, 5, 4}, 40);
    Random rnd = new Random(15);
    for (int i = 0; i < INPUTS; i++) {
      byte[] b = seed.clone();
      int edits = 1 + rnd.nextInt(3);
      for (int e = 0; e < edits; e++) {
        switch (rnd.nextInt(4)) {
          case 0 -> b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
          case 1 -> b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length + 1));
          case 2 -> { if (b.length >= 16) { int d = 4 + 4 * rnd.nextInt(3); b[d] = (byte) rnd.nextInt(256); } }
          default -> b = java.util.Arrays.copyOf(b, b.length + rnd.nextInt(8));
        }
        if (b.length == 0) break;
      }
      boolean compressed = rnd.nextBoolean();
      byte[] onDisk = compressed ? IdxFileTest.gzip(b) : b;
      if (compressed && rnd.nextInt(3) == 0 && onDisk.length > 0) { // damage the compressed stream too
        int at = rnd.nextInt(onDisk.length);
        if (rnd.nextBoolean()) onDisk[at] ^= (byte) (1 + rnd.nextInt(255));
        else onDisk = java.util.Arrays.copyOf(onDisk, at);
      }
      Path p = Files.write(dir.resolve("f-idx3-ubyte" + (compressed ? ".gz" : "")), onDisk);
      try {
        IdxFile.read(p, 3);
      } catch (TorchException expected) {
        // the only acceptable failure
      } catch (RuntimeException | Error e) {
        fail("input " + i + " threw " + e, e);
      }
    }
  }
}
