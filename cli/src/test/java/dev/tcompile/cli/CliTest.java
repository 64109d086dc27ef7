package dev.tcompile.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tcompile command's subcommands, run in-process through picocli. */
class CliTest {
  private record Result(int code, String out) {}

  private static Result run(String... args) {
    CliRun r = CliRun.of(args);
    return new Result(r.code(), r.out());
  }

  @Test void demoTrainsTheSeedCnnAndDrawsItsFigures(@TempDir Path figures) {
    Result r = run("demo", "--epochs", "1", "--no-progress", "--figures", figures.toString(), "--data", Home.path().resolve("data").toString());
    assertEquals(0, r.code(), r.out());
    assertTrue(r.out().contains("8000 training and 2000 test digits; compiled training"), r.out());
    Matcher m = Pattern.compile("epoch 1: mean loss [0-9.]+, test accuracy ([0-9.]+)% \\((\\d+)/2000\\)").matcher(r.out());
    assertTrue(m.find(), r.out());
    assertTrue(Integer.parseInt(m.group(2)) > 1700, "one epoch reaches over 85%: " + r.out());
    for (String f : new String[]{"digit.png", "weight.png", "input_weight_output.png", "pooling.png"})
      assertTrue(Files.isRegularFile(figures.resolve(f)), f);
  }

  @Test void runExecutesASourceFileWithTheLibrary(@TempDir Path dir) throws Exception {
    Path script = dir.resolve("Hello.java");
    Files.writeString(script, """
        import dev.tcompile.*;
        public class Hello {
          public static void main(String[] args) {
            System.out.println(Torch.tensor(3f, 4f).requiresGrad_(true).mul(2.0) + " " + args[0]);
          }
        }
        """);
    Path out = dir.resolve("out.txt");
    ProcessBuilder pb = new ProcessBuilder(ChildJvm.javaCommand()).redirectOutput(out.toFile());
    pb.command().add(script.toString());
    pb.command().add("ok");
    assertEquals(0, pb.start().waitFor());
    assertEquals("tensor([6., 8.], grad_fn=<MulBackward0>) ok\n", Files.readString(out));
    CliRun.of("run", dir.resolve("Missing.java").toString()).failsWith(2, "tcompile run: no such file: ");
  }

  @Test void unknownOptionsAndCommandsAreOneLineUsageErrors() {
    CliRun.of("--frobnicate").failsWith(2, "tcompile: Unknown option: '--frobnicate' (see 'tcompile --help')");
    CliRun.of("frobnicate").failsWith(2, "tcompile: Unmatched argument at index 0: 'frobnicate'");
    CliRun.of("demo", "--epochs", "two").failsWith(2, "tcompile demo: Invalid value for option '--epochs'");
  }

  @Test void helpListsTheCommands() {
    Result r = run("--help");
    assertEquals(0, r.code());
    for (String c : new String[]{"run", "shell", "demo", "trace", "inspect", "bench"}) assertTrue(r.out().contains("  " + c + " "), r.out());
  }
}
