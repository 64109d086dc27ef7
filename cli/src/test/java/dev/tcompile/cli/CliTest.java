package dev.tcompile.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The tcompile command's subcommands, run in-process through picocli. */
class CliTest {
  private record Result(int code, String out) {}

  private static Result run(String... args) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream old = System.out;
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      int code = new CommandLine(new Main()).execute(args);
      return new Result(code, buf.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(old);
    }
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
    assertEquals(2, run("run", dir.resolve("Missing.java").toString()).code());
  }

  @Test void helpListsTheCommands() {
    Result r = run("--help");
    assertEquals(0, r.code());
    for (String c : new String[]{"run", "shell", "demo"}) assertTrue(r.out().contains("  " + c + " "), r.out());
  }
}
