package io.manifoldsweep.jobs.report;

/** One image of the report, its heading and the caption naming what it shows. */
record Figure(String file, String title, String caption) {}
