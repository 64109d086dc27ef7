package dev.tcompile.runtime.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A write that fails half-way leaves the previous file whole and no temporary file behind. */
class AtomicFilesTest {
  @TempDir Path dir;

  @Test void aFailedWriteKeepsThePreviousFile() throws IOException {
    Path target = dir.resolve("weights.bin");
    AtomicFiles.write(target, "previous".getBytes());
    assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
      out.write("half of the new".getBytes());
      throw new IOException("disk full");
    }));
    assertEquals("previous", Files.readString(target));
    try (var files = Files.list(dir)) { assertEquals(1, files.count(), "no temporary file left behind"); }
    AtomicFiles.write(target, "next".getBytes());
    assertEquals("next", Files.readString(target));
  }

  @Test void safetensorsSavesAtomically() throws IOException {
    Path target = dir.resolve("m.safetensors");
    SafetensorsFile.write(Map.of("a", dev.tcompile.runtime.NDArray.wrap(new float[]{1, 2}, 2)), Map.of(), target);
    byte[] before = Files.readAllBytes(target);
    assertThrows(dev.tcompile.TorchException.class,
        () -> SafetensorsFile.write(Map.of("__metadata__", dev.tcompile.runtime.NDArray.wrap(new float[]{1}, 1)), Map.of(), target));
    assertEquals(java.util.Arrays.toString(before), java.util.Arrays.toString(Files.readAllBytes(target)));
    try (var files = Files.list(dir)) { assertEquals(1, files.count()); }
  }
}
