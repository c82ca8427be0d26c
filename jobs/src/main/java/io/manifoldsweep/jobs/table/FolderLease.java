package io.manifoldsweep.jobs.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.manifoldsweep.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * One driver per results folder: {@code DIR/_lease.json} names the owner (host, pid, start time,
 * command) and carries a heartbeat that the owner renews every {@link #HEARTBEAT_MS}. A second
 * driver on a held folder is refused at once, before it touches anything; a lease whose owner is
 * gone (its heartbeat older than {@link #STALE_MS}, or a dead process on this host) is taken over
 * with a message. Works on any Hadoop FileSystem: a new lease is written beside the file and
 * renamed into place (a rename onto an existing lease fails on HDFS), and a driver that raced
 * another for it reads it back before it goes on; the owner then renews it in place.
 */
public final class FolderLease implements AutoCloseable {
  static final String FILE = "_lease.json";
  static final long HEARTBEAT_MS = 10_000;
  static final long STALE_MS = 60_000;

  /** How long a new owner waits before reading its lease back, to see a racing driver's write. */
  private static final long SETTLE_MS = 300;

  /** Who holds a lease. */
  record Owner(
      String id, String host, long pid, long startedAtMs, long heartbeatMs, String command) {
    String describe(long now) {
      return command
          + " on "
          + host
          + " (pid "
          + pid
          + ", started "
          + Instant.ofEpochMilli(startedAtMs)
          + "), last seen "
          + Math.max(0, (now - heartbeatMs) / 1000)
          + " s ago";
    }
  }

  private final FileSystem fs;
  private final Path file;
  private final Owner me;
  private final ScheduledExecutorService heartbeat;
  private final PrintStream out;

  private FolderLease(FileSystem fs, Path file, Owner me, PrintStream out) {
    this.fs = fs;
    this.file = file;
    this.me = me;
    this.out = out;
    this.heartbeat =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "lease-heartbeat");
              t.setDaemon(true);
              return t;
            });
    heartbeat.scheduleAtFixedRate(this::renew, HEARTBEAT_MS, HEARTBEAT_MS, TimeUnit.MILLISECONDS);
  }

  /** Takes the lease of {@code root} for {@code command}, or fails naming its holder. */
  public static FolderLease acquire(FileSystem fs, Path root, String command, PrintStream out) {
    Path file = new Path(root, FILE);
    try {
      long now = System.currentTimeMillis();
      Owner held = read(fs, file);
      if (held != null) {
        String stale = staleness(held, now);
        if (stale == null) {
          throw busy(root, held, now);
        }
        out.println(
            "taking over the lease of " + root + " from " + held.describe(now) + ": " + stale);
      }
      Owner me =
          new Owner(
              UUID.randomUUID().toString(),
              host(),
              ProcessHandle.current().pid(),
              now,
              now,
              command);
      fs.mkdirs(root);
      if (held != null) {
        fs.delete(file, false);
      }
      Path tmp = new Path(root, FILE + "." + me.id() + ".tmp");
      write(fs, tmp, me);
      if (!fs.rename(tmp, file)) {
        fs.delete(tmp, false);
        throw busy(root, read(fs, file), System.currentTimeMillis());
      }
      Thread.sleep(SETTLE_MS);
      Owner after = read(fs, file);
      if (after == null || !after.id().equals(me.id())) {
        throw busy(root, after == null ? me : after, System.currentTimeMillis());
      }
      return new FolderLease(fs, file, me, out);
    } catch (IOException e) {
      throw new ConfigException(
          "DIR",
          root,
          "is not writable: cannot hold its lease " + FILE + " (" + e.getMessage() + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while taking the lease of " + root, e);
    }
  }

  /** Why a held lease may be taken over, or null while its owner is alive. */
  private static String staleness(Owner held, long now) throws IOException {
    if (held.host().equals(host())
        && ProcessHandle.of(held.pid()).map(p -> !p.isAlive()).orElse(true)) {
      return "that process is no longer running";
    }
    if (now - held.heartbeatMs() > STALE_MS) {
      return "its heartbeat stopped more than " + STALE_MS / 1000 + " s ago";
    }
    return null;
  }

  private static ConfigException busy(Path root, Owner held, long now) {
    if (held == null) {
      return new ConfigException(
          "DIR", root, "is being claimed by another driver at this very moment; try again");
    }
    return new ConfigException(
        "DIR",
        root,
        "is in use by "
            + held.describe(now)
            + "; wait for it to finish or stop it"
            + " (a lease whose owner stops renewing it is taken over after "
            + STALE_MS / 1000
            + " s)");
  }

  private void renew() {
    try {
      Owner current = read(fs, file);
      if (current == null || !current.id().equals(me.id())) {
        out.println(
            "warning: the lease of "
                + file.getParent()
                + " was taken over by "
                + (current == null
                    ? "nobody (it is gone)"
                    : current.describe(System.currentTimeMillis()))
                + "; this driver no longer holds it");
        heartbeat.shutdown();
        return;
      }
      write(
          fs,
          file,
          new Owner(
              me.id(),
              me.host(),
              me.pid(),
              me.startedAtMs(),
              System.currentTimeMillis(),
              me.command()));
    } catch (IOException | RuntimeException e) {
      out.println("warning: cannot renew the lease of " + file.getParent() + ": " + e.getMessage());
    }
  }

  /** Stops renewing and removes the lease if this driver still holds it. */
  @Override
  public void close() {
    heartbeat.shutdownNow();
    try {
      Owner current = read(fs, file);
      if (current != null && current.id().equals(me.id())) {
        fs.delete(file, false);
      }
    } catch (IOException e) {
      out.println("warning: cannot release the lease " + file + ": " + e.getMessage());
    }
  }

  /**
   * The lease's owner, or null without a lease. The owner renews the file in place, so a read may
   * catch it half-written: it is read again a few times before an unreadable lease counts as
   * abandoned.
   */
  private static Owner read(FileSystem fs, Path file) throws IOException {
    for (int tries = 0; ; tries++) {
      if (!fs.exists(file)) {
        return null;
      }
      try (InputStream in = fs.open(file)) {
        JsonNode n =
            new ObjectMapper().readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        if (n != null && n.hasNonNull("id") && n.hasNonNull("heartbeat_ms")) {
          return new Owner(
              n.path("id").asText(),
              n.path("host").asText(),
              n.path("pid").asLong(),
              n.path("started_at_ms").asLong(),
              n.path("heartbeat_ms").asLong(),
              n.path("command").asText());
        }
      } catch (java.io.FileNotFoundException e) {
        return null;
      } catch (IOException e) {
        // half-written: read again below
      }
      if (tries == 4) {
        return new Owner("unreadable", "unknown", -1, 0, 0, "an unreadable lease");
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while reading " + file, e);
      }
    }
  }

  /** Writes {@code o} to {@code file} in one go, replacing what was there. */
  private static void write(FileSystem fs, Path file, Owner o) throws IOException {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("id", o.id());
    doc.put("host", o.host());
    doc.put("pid", o.pid());
    doc.put("started_at_ms", o.startedAtMs());
    doc.put("heartbeat_ms", o.heartbeatMs());
    doc.put("command", o.command());
    try (OutputStream out = fs.create(file, true)) {
      out.write(new ObjectMapper().writeValueAsBytes(doc));
    }
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown";
    }
  }
}
