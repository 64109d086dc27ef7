package dev.tcompile.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import dev.tcompile.DType;
import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.TorchException;
import dev.tcompile.vision.models.MnistNet;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The safetensors reader and writer: PyTorch-written files, round trips, and every kind of corrupt file. */
class SafetensorsTest {
  @TempDir Path dir;

  @Test
  void readsEveryDtypePyTorchWrote() {
    Path file = NnGoldens.resource("dtypes.safetensors");
    Map<String, Tensor> t = Safetensors.load(file);
    assertEquals(List.of("f32", "f64", "f16", "bf16", "i64", "i32", "u8", "bool", "scalar", "empty"), new ArrayList<>(t.keySet()));
    var expected = NnGoldens.json().getAsJsonObject("dtypes");
    for (String k : t.keySet()) {
      JsonArray want = expected.getAsJsonArray(k);
      Tensor got = t.get(k);
      assertEquals(want.size(), got.numel(), k);
      for (int i = 0; i < want.size(); i++) {
        double w = want.get(i).getAsDouble(), g = got.array().getDouble(i);
        if (k.equals("i64")) assertEquals(want.get(i).getAsBigDecimal().longValueExact(), got.array().getLong(i), k);
        else if (k.equals("f64")) assertEquals(w, g, k + "[" + i + "]"); // float64 now, as safetensors' PyTorch loader
        else assertEquals((float) w, (float) g, k + "[" + i + "]");
      }
    }
    assertEquals(DType.FLOAT64, t.get("f64").dtype());
    assertEquals(DType.FLOAT32, t.get("bf16").dtype());
    assertEquals(DType.INT64, t.get("u8").dtype());
    assertEquals(DType.BOOL, t.get("bool").dtype());
    assertArrayEquals(new int[]{2, 2}, t.get("f32").shapeArray());
    assertArrayEquals(new int[0], t.get("scalar").shapeArray());
    assertArrayEquals(new int[]{0, 3}, t.get("empty").shapeArray());
    assertEquals(Map.of("format", "pt", "note", "dtype coverage"), Safetensors.metadata(file));
  }

  @Test
  void roundTripsTensorsInOrderWithMetadata() {
    Map<String, Tensor> m = new LinkedHashMap<>();
    m.put("z_view", Torch.arange(0.0, 12.0, 1.0).reshape(3, 4).t());
    m.put("a_long", Torch.tensor(new long[]{Long.MIN_VALUE, 0, Long.MAX_VALUE}));
    m.put("bools", Torch.tensor(new boolean[]{true, false}));
    m.put("scalar", Torch.scalar(-0.0));
    m.put("empty", Torch.zeros(2, 0));
    m.put("näme \"quoted\"", Torch.ones(1));
    Path f = dir.resolve("round.safetensors");
    Safetensors.save(m, Map.of("k", "v\n"), f);
    Map<String, Tensor> back = Safetensors.load(f);
    assertEquals(new ArrayList<>(m.keySet()), new ArrayList<>(back.keySet()));
    for (String k : m.keySet()) {
      assertArrayEquals(m.get(k).shapeArray(), back.get(k).shapeArray(), k);
      assertEquals(m.get(k).dtype(), back.get(k).dtype(), k);
      assertEquals(m.get(k).toString(), back.get(k).toString(), k);
    }
    assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(back.get("scalar").item()));
    assertEquals(Map.of("k", "v\n"), Safetensors.metadata(f));
  }

  @Test
  void headerIsPaddedToEightBytesAndDataFollowsIt() throws IOException {
    Path f = dir.resolve("pad.safetensors");
    Safetensors.save(Map.of("x", Torch.tensor(1f, 2f)), f);
    byte[] b = Files.readAllBytes(f);
    long n = ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertEquals(0, n % 8);
    assertEquals(8 + n + 8, b.length);
    assertEquals("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", new String(b, 8, (int) n, StandardCharsets.UTF_8).trim());
  }

  @Test
  void modelWeightsSurviveSaveAndLoad() {
    MnistNet a = new MnistNet(), b = new MnistNet();
    Path f = dir.resolve("net.safetensors");
    Safetensors.save(a.stateDict(), f);
    b.loadStateDict(Safetensors.load(f), true);
    Tensor x = Torch.randn(2, 1, 28, 28);
    assertArrayEquals(a.forward(x).toFloatArray(), b.forward(x).toFloatArray());
  }

  // ------------------------------------------------------------------------------------------------ corrupt files

  private Path file(String header, int dataBytes) throws IOException { return file(header, new byte[dataBytes]); }

  private Path file(String header, byte[] data) throws IOException {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h).put(data);
    Path f = dir.resolve("bad.safetensors");
    Files.write(f, b.array());
    return f;
  }

  private static String failure(Path f) { return assertThrows(TorchException.class, () -> Safetensors.load(f)).getMessage(); }

  private static void assertMentions(String msg, String... parts) {
    for (String p : parts) assertTrue(msg.contains(p), "'" + msg + "' should mention '" + p + "'");
  }

  @Test
  void tooShortForTheHeaderLength() throws IOException {
    Path f = dir.resolve("short.safetensors");
    Files.write(f, new byte[5]);
    assertMentions(failure(f), "safetensors: " + f, "5 bytes long", "8-byte header length");
  }

  @Test
  void headerLengthBeyondTheFile() throws IOException {
    Path f = dir.resolve("long.safetensors");
    Files.write(f, ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN).putLong(500).array());
    assertMentions(failure(f), "header length 500", "bytes 0-7", "past the end of the file (20 bytes)");
  }

  @Test
  void truncatedDataSection() throws IOException {
    Path f = dir.resolve("cut.safetensors");
    Safetensors.save(Map.of("w", Torch.ones(4, 4)), f);
    byte[] b = Files.readAllBytes(f);
    Files.write(f, java.util.Arrays.copyOf(b, b.length - 10));
    assertMentions(failure(f), "tensor 'w' data_offsets [0, 64] run past the data section, which holds 54 bytes");
  }

  @Test
  void badJsonNamesTheBytePosition() throws IOException {
    assertMentions(failure(file("{\"w\":{\"dtype\":\"F32\" \"shape\":[1]}}", 4)), "bad JSON header", "invalid JSON at byte 28",
        "expected ',' or '}'");
    assertMentions(failure(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}} x", 4)), "invalid JSON at byte 63",
        "unexpected data after the JSON value");
    assertMentions(failure(file("{\"a\":1,\"a\":2}", 0)), "invalid JSON at byte 15", "duplicate key \"a\"");
    assertMentions(failure(file("[1, 2]", 0)), "must start with '{'");
  }

  @Test
  void offsetsOutOfRangeOrOverlapping() throws IOException {
    assertMentions(failure(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4)),
        "tensor 'w' data_offsets [0, 8] run past the data section, which holds 4 bytes");
    assertMentions(failure(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
        + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12)), "tensor 'b' data_offsets [4, 12] overlap tensor 'a' [0, 8]");
    assertMentions(failure(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,0]}}", 4)), "end before they begin");
    assertMentions(failure(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-1,3]}}", 4)), "non-negative integers");
  }

  @Test
  void unknownDtypeAndSizeMismatch() throws IOException {
    assertMentions(failure(file("{\"w\":{\"dtype\":\"F8_E4M3\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1)), "tensor 'w' has unknown dtype 'F8_E4M3'");
    assertMentions(failure(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,20]}}", 20)),
        "tensor 'w' of dtype F32 and shape [2, 3] needs 24 bytes, but data_offsets [0, 20] span 20");
    assertMentions(failure(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4)), "tensor 'w' has no data_offsets list");
    assertMentions(failure(file("{\"w\":{\"dtype\":\"BOOL\",\"shape\":[1],\"data_offsets\":[0,1]}}", new byte[]{2})),
        "tensor 'w' BOOL element 0 is 2, not 0 or 1");
  }
}
