package dev.tcompile.spark;

import java.io.Serializable;

/** A row on its way to its replica: its number in the data set's order, and the row. */
record ShardRow(long index, Example example) implements Serializable {}
