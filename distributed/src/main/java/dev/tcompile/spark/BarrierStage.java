package dev.tcompile.spark;

import java.io.Serializable;
import java.util.Iterator;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.RDD;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

/**
 * {@code rdd.barrier().mapPartitions(f)} from Java: Spark offers barrier mode only through its Scala API
 * ({@code RDDBarrier} takes a Scala function and a {@code ClassTag}), so this adapts a Java function to it.
 */
final class BarrierStage {
  private BarrierStage() {}

  /** The Java body of one barrier task: the partition's rows in, the task's results out. */
  @FunctionalInterface
  interface TaskBody<T, R> extends Serializable {
    Iterator<R> run(Iterator<T> rows) throws Exception;
  }

  static <T, R> JavaRDD<R> mapPartitions(JavaRDD<T> input, TaskBody<T, R> body, Class<R> resultClass) {
    ClassTag<R> tag = ClassTag$.MODULE$.apply(resultClass);
    RDD<R> out = input.rdd().barrier().mapPartitions(new ScalaBody<>(body), false, tag);
    return JavaRDD.fromRDD(out, tag);
  }

  private static final class ScalaBody<T, R> extends AbstractFunction1<scala.collection.Iterator<T>, scala.collection.Iterator<R>>
      implements Serializable {
    private final TaskBody<T, R> body;

    ScalaBody(TaskBody<T, R> body) { this.body = body; }

    @Override public scala.collection.Iterator<R> apply(scala.collection.Iterator<T> rows) {
      try {
        return CollectionConverters.asScala(body.run(CollectionConverters.asJava(rows)));
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    }
  }
}
