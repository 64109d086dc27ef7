package dev.tcompile.ir;

import static org.junit.jupiter.api.Assertions.fail;

import dev.tcompile.TorchException;
import dev.tcompile.runtime.NDArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Mutation fuzzing of the IR parser: valid graphs' text with characters flipped, tokens dropped, duplicated or
 * replaced by hostile ones (huge numbers, odd brackets, other ops' names). Every input must parse or fail with a
 * {@link TorchException} (a positioned {@link IrParseException} or an op's own check), never another exception.
 * Seeded, so a failure names the input that reproduces it; {@code -Dfuzz.ir.inputs=N} runs more.
 */
class IrTextFuzzTest {
  static final int INPUTS = Integer.getInteger("fuzz.ir.inputs", 3000);
  private static final String[] HOSTILE = {"2147483648", "-1", "99999999999999999999", "9223372036854775808L", "1e999", "-0",
      "nan", "inf", "[", "]", "{", "}", "(", ")", ",", "=", ":", "%0", "%x", "@\"/dev/zero\"[\"a\"]", "@\"x\"", "\"", "\\",
      "f32[65536, 65536, 65536, 65536]", "i64[]", "bool[0]", "conv2d", "max_pool2d", "constant", "return", "graph", "{stride=[1]}",
      "{dims=[]}", "{dim=2147483647}", "{dim=-2147483648}", "[1, 2, 3]", "\n", "//", "0x10", "1.5.5", "1e", "L"};

  @Test @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void mutatedTextOnlyFailsWithTorchExceptions() {
    List<String> seeds = new ArrayList<>();
    List<Map<String, NDArray>> stores = new ArrayList<>();
    for (Graph g : List.of(GraphTextTest.mlp(), GraphTextTest.everyAttrKind())) {
      seeds.add(GraphPrinter.print(g));
      stores.add(GraphTextTest.constants(g));
    }
    Random rnd = new Random(15);
    for (int i = 0; i < INPUTS; i++) {
      int which = rnd.nextInt(seeds.size());
      String text = mutate(seeds.get(which), rnd);
      Map<String, NDArray> store = stores.get(which);
      try {
        GraphParser.parse(text, (file, key) -> {
          NDArray a = store.get(key);
          if (a == null) throw new TorchException("no tensor " + key);
          return a;
        });
      } catch (TorchException expected) {
        // the only acceptable failure
      } catch (RuntimeException | Error e) {
        fail("input " + i + " threw " + e + "\n" + text, e);
      }
    }
  }

  static String mutate(String s, Random rnd) {
    StringBuilder sb = new StringBuilder(s);
    int edits = 1 + rnd.nextInt(4);
    for (int e = 0; e < edits && sb.length() > 0; e++) {
      int at = rnd.nextInt(sb.length());
      switch (rnd.nextInt(6)) {
        case 0 -> sb.setCharAt(at, (char) (32 + rnd.nextInt(95)));
        case 1 -> sb.deleteCharAt(at);
        case 2 -> sb.insert(at, HOSTILE[rnd.nextInt(HOSTILE.length)]);
        case 3 -> { // replace a number with a hostile one
          int from = at;
          while (from < sb.length() && !Character.isDigit(sb.charAt(from))) from++;
          int to = from;
          while (to < sb.length() && Character.isDigit(sb.charAt(to))) to++;
          if (from < sb.length()) sb.replace(from, to, HOSTILE[rnd.nextInt(3)]);
        }
        case 4 -> { // duplicate a line
          int ls = sb.lastIndexOf("\n", at) + 1, le = sb.indexOf("\n", at);
          if (le > ls) sb.insert(ls, sb.substring(ls, le + 1));
        }
        default -> sb.delete(at, Math.min(sb.length(), at + 1 + rnd.nextInt(12)));
      }
    }
    return sb.toString();
  }
}
