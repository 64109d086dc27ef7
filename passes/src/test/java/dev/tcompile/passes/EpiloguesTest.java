package dev.tcompile.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tcompile.ir.GraphParser;
import dev.tcompile.ir.GraphPrinter;
import org.junit.jupiter.api.Test;

/** A ReLU moves into the convolution feeding it, unless the convolution's output is read elsewhere. */
class EpiloguesTest {
  @Test void reluJoinsTheConvolutionOnlyWhenItIsTheSoleReader() {
    String before = """
        graph @g(%x: f32[2, 1, 6, 6], %w: f32[3, 1, 3, 3], %b: f32[3]) {
          %0 = conv2d(%x, %w, %b) {stride=[1, 1], padding=[0, 0], dilation=[1, 1], groups=1} : f32[2, 3, 4, 4]
          %1 = relu(%0) : f32[2, 3, 4, 4]
          %2 = conv2d(%x, %w) {stride=[1, 1], padding=[0, 0], dilation=[1, 1], groups=1} : f32[2, 3, 4, 4]
          %3 = relu(%2) : f32[2, 3, 4, 4]
          return %1, %3, %2
        }
        """;
    String after = """
        graph @g(%x: f32[2, 1, 6, 6], %w: f32[3, 1, 3, 3], %b: f32[3]) {
          %1 = conv2d(%x, %w, %b) {stride=[1, 1], padding=[0, 0], dilation=[1, 1], groups=1, relu=true} : f32[2, 3, 4, 4]
          %2 = conv2d(%x, %w) {stride=[1, 1], padding=[0, 0], dilation=[1, 1], groups=1} : f32[2, 3, 4, 4]
          %3 = relu(%2) : f32[2, 3, 4, 4]
          return %1, %3, %2
        }
        """;
    assertEquals(after, GraphPrinter.print(new Epilogues().run(GraphParser.parse(before))));
  }
}
