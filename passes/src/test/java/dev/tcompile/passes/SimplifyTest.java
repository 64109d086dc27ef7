package dev.tcompile.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tcompile.ir.GraphParser;
import dev.tcompile.ir.GraphPrinter;
import org.junit.jupiter.api.Test;

/** Identities that hold bit for bit, before and after. */
class SimplifyTest {
  private static String simplify(String before) {
    return GraphPrinter.print(new DeadCodeElimination().run(new Simplify().run(GraphParser.parse(before))));
  }

  @Test void multiplyingByOneAndSubtractingZeroAreDropped() {
    String before = """
        graph @g(%x: f32[2, 3]) {
          %0 = constant 1.0 : f32[]
          %1 = mul(%x, %0) : f32[2, 3]
          %2 = constant 0.0 : f32[]
          %3 = sub(%1, %2) : f32[2, 3]
          %4 = div(%3, %0) : f32[2, 3]
          %5 = add(%4, %2) : f32[2, 3]
          %6 = constant -0.0 : f32[]
          %7 = add(%5, %6) : f32[2, 3]
          return %7
        }
        """;
    // x + 0 stays: it would turn -0 into +0
    String after = """
        graph @g(%x: f32[2, 3]) {
          %2 = constant 0.0 : f32[]
          %5 = add(%x, %2) : f32[2, 3]
          return %5
        }
        """;
    assertEquals(after, simplify(before));
  }

  @Test void viewsThatChangeNothingVanishAndChainsOfViewsCollapse() {
    String before = """
        graph @g(%x: f32[2, 3, 4]) {
          %0 = permute(%x) {dims=[2, 0, 1]} : f32[4, 2, 3]
          %1 = permute(%0) {dims=[1, 2, 0]} : f32[2, 3, 4]
          %2 = reshape(%1) {shape=[6, 4]} : f32[6, 4]
          %3 = reshape(%2) {shape=[24]} : f32[24]
          %4 = expand(%3) {shape=[24]} : f32[24]
          %5 = permute(%x) {dims=[1, 0, 2]} : f32[3, 2, 4]
          %6 = permute(%5) {dims=[0, 2, 1]} : f32[3, 4, 2]
          return %4, %6
        }
        """;
    String after = """
        graph @g(%x: f32[2, 3, 4]) {
          %3 = reshape(%x) {shape=[24]} : f32[24]
          %6 = permute(%x) {dims=[1, 2, 0]} : f32[3, 4, 2]
          return %3, %6
        }
        """;
    assertEquals(after, simplify(before));
  }

  @Test void aCastOfACastOfABoolIsOneCastAndOtherCastChainsStay() {
    String before = """
        graph @g(%m: bool[4], %x: f32[4]) {
          %0 = cast(%m) {dtype=f32} : f32[4]
          %1 = cast(%0) {dtype=i64} : i64[4]
          %2 = cast(%0) {dtype=bool} : bool[4]
          %3 = cast(%x) {dtype=i64} : i64[4]
          %4 = cast(%3) {dtype=f32} : f32[4]
          return %1, %2, %4
        }
        """;
    // f32 -> i64 -> f32 truncates on the way: it stays
    String after = """
        graph @g(%m: bool[4], %x: f32[4]) {
          %1 = cast(%m) {dtype=i64} : i64[4]
          %3 = cast(%x) {dtype=i64} : i64[4]
          %4 = cast(%3) {dtype=f32} : f32[4]
          return %1, %m, %4
        }
        """;
    assertEquals(after, simplify(before));
  }
}
