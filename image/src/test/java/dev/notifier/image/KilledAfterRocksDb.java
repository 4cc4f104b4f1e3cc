package dev.notifier.image;

import org.rocksdb.RocksDB;

/**
 * Run inside the image's root file system by {@link ImageRunIntegrationTest}: loads RocksDB's JNI library, as
 * every start of the streams app does, then ends the way a SIGKILL or the kernel's OOM killer ends it: at once,
 * with no shutdown hook, so nothing marked delete-on-exit is deleted.
 */
public final class KilledAfterRocksDb {

  private KilledAfterRocksDb() {
  }

  public static void main(String[] args) {
    RocksDB.loadLibrary();
    System.out.println("rocksdb loaded");
    System.out.flush();
    Runtime.getRuntime().halt(137);
  }
}
