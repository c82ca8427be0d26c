package io.manifoldsweep.jobs.bench;

import picocli.CommandLine.Command;

/**
 * {@code bench <what>}: each benchmark prints its figures and ends with one {@code key=value} line.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks; each prints its ratio last.")
public final class BenchCommand {}
