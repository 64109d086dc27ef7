package dev.tcompile.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tcompile.TorchException;
import dev.tcompile.runtime.NDArray;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Safetensors files from an untrusted source: bounded nesting and sizes, every defect a TorchException. */
class HostileSafetensorsTest {
  static final int INPUTS = Integer.getInteger("fuzz.safetensors.inputs", 3000);
  @TempDir Path dir;

  static byte[] file(String header, int dataBytes) {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h);
    return b.array();
  }

  private static String error(byte[] bytes) {
    return assertThrows(TorchException.class, () -> SafetensorsFile.read(bytes)).getMessage();
  }

  @Test void deepNestingIsRefusedNotAStackOverflow() {
    String deep = "{\"a\":" + "[".repeat(200_000) + "]".repeat(200_000) + "}";
    assertTrue(error(file(deep, 0)).contains("nesting deeper than 64 levels"));
  }

  @Test void declaredSizesAreCheckedBeforeAllocating() {
    String huge = "{\"t\":{\"dtype\":\"F32\",\"shape\":[46000,46000],\"data_offsets\":[0,8464000000]}}";
    assertTrue(error(file(huge, 16)).contains("run past the data section, which holds 16 bytes"), error(file(huge, 16)));
    String overflow = "{\"t\":{\"dtype\":\"F32\",\"shape\":[65536,65536,65536,65536],\"data_offsets\":[0,0]}}";
    assertEquals("safetensors: tensor 't': Storage size calculation overflowed with sizes=[65536, 65536, 65536, 65536]", error(file(overflow, 0)));
    String wraps = "{\"t\":{\"dtype\":\"I64\",\"shape\":[2147483647,2147483647,4],\"data_offsets\":[0,0]}}";
    assertTrue(error(file(wraps, 0)).startsWith("safetensors: tensor 't': "), error(file(wraps, 0)));
    String tooManyElements = "{\"t\":{\"dtype\":\"U8\",\"shape\":[60000,60000],\"data_offsets\":[0,3600000000]}}";
    assertTrue(error(file(tooManyElements, 8)).contains("run past the data section"), error(file(tooManyElements, 8)));
    ByteBuffer lying = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(99_000_000L).putLong(0);
    assertTrue(error(lying.array()).contains("runs past the end of the file (16 bytes)"));
  }

  @Test void filesAreReadByRangesWithTheSameResult() throws IOException {
    Map<String, NDArray> tensors = new LinkedHashMap<>();
    tensors.put("a", NDArray.wrap(new float[]{1, 2, 3, 4, 5, 6}, 2, 3));
    tensors.put("b", NDArray.wrap(new long[]{7, -8}, 2));
    Path p = dir.resolve("t.safetensors");
    SafetensorsFile.write(tensors, Map.of("k", "v"), p);
    SafetensorsFile.Contents fromFile = SafetensorsFile.read(p), fromBytes = SafetensorsFile.read(Files.readAllBytes(p));
    assertArrayEquals(new float[]{1, 2, 3, 4, 5, 6}, fromFile.tensors().get("a").toFloatArray());
    assertArrayEquals(new long[]{7, -8}, fromFile.tensors().get("b").toLongArray());
    assertEquals(fromBytes.metadata(), fromFile.metadata());
    try (var left = Files.list(dir)) { assertEquals(1, left.count(), "no temporary file left behind"); }
  }

  @Test @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void mutatedFilesOnlyFailWithTorchExceptions() throws IOException {
    Map<String, NDArray> tensors = new LinkedHashMap<>();
    tensors.put("w", NDArray.wrap(new float[]{1, 2, 3, 4, 5, 6}, 2, 3));
    tensors.put("i", NDArray.wrap(new long[]{7, -8, 9}, 3));
    tensors.put("m", NDArray.wrap(new boolean[]{true, false}, 2));
    Path p = dir.resolve("seed.safetensors");
    SafetensorsFile.write(tensors, Map.of("format", "pt"), p);
    byte[] seed = Files.readAllBytes(p);
    Random rnd = new Random(15);
    for (int i = 0; i < INPUTS; i++) {
      byte[] b = mutate(seed, rnd);
      try {
        SafetensorsFile.read(b);
      } catch (TorchException expected) {
        // the only acceptable failure
      } catch (RuntimeException | Error e) {
        fail("input " + i + " threw " + e + "\n" + new String(b, StandardCharsets.ISO_8859_1), e);
      }
    }
  }

  private static final String[] HOSTILE = {"2147483648", "9223372036854775807", "99999999999999999999999", "-1", "1e308", "[",
      "]", "{", "}", "\"", "\\u0000", "\"__metadata__\"", "\"dtype\":\"F64\"", "\"shape\":[]", "null", ",", ":", "0.5"};

  static byte[] mutate(byte[] seed, Random rnd) {
    StringBuilder sb = new StringBuilder(new String(seed, StandardCharsets.ISO_8859_1));
    int edits = 1 + rnd.nextInt(4);
    for (int e = 0; e < edits && sb.length() > 0; e++) {
      int at = rnd.nextInt(sb.length());
      switch (rnd.nextInt(5)) {
        case 0 -> sb.setCharAt(at, (char) rnd.nextInt(256));
        case 1 -> sb.deleteCharAt(at);
        case 2 -> sb.insert(Math.min(sb.length(), 8 + rnd.nextInt(200)), HOSTILE[rnd.nextInt(HOSTILE.length)]);
        case 3 -> sb.setLength(at); // truncation
        default -> { // replace a header number
          int from = 8 + rnd.nextInt(200);
          while (from < sb.length() && !Character.isDigit(sb.charAt(from))) from++;
          int to = from;
          while (to < sb.length() && Character.isDigit(sb.charAt(to))) to++;
          if (from < sb.length()) sb.replace(from, to, HOSTILE[rnd.nextInt(5)]);
        }
      }
    }
    byte[] out = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    // keep the header length field consistent half of the time, so mutations reach the JSON and the data
    if (rnd.nextBoolean() && out.length >= 8) {
      long n = ByteBuffer.wrap(seed, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong() + (out.length - seed.length);
      ByteBuffer.wrap(out, 0, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(Math.max(0, Math.min(n, out.length - 8)));
    }
    return out;
  }
}
