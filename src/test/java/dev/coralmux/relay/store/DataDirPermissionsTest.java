package dev.coralmux.relay.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coralmux.relay.support.TestRelay;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Issue 11, item 15: the data directory is the owner's only (0700), and so is every file in it (0600). */
class DataDirPermissionsTest {

  static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void dataDirectoryAndEveryFileTheRelayWritesAreOwnerOnly() throws Exception {
    Path dir = Files.createTempDirectory("coralmux-perm").resolve("nested").resolve("data"); // the relay creates it
    try (TestRelay relay = TestRelay.startOn(dir, new JsonObject().put("admin_key", ""))) {
      String key = Files.readString(dir.resolve("admin.key")).trim();
      String token = new JsonObject(relay.http("POST", "/api/v1/pair", null, key).body()).getString("token");
      assertEquals(201, relay.http("POST", "/api/v1/invite", new JsonObject().put("token", token).encode(), null).statusCode());
    } // stopping writes usage.json
    assertEquals("rwx------", mode(dir));
    for (String file : List.of("admin.key", "invite.secret", "tokens.json", "usage.json", "invites.json")) {
      assertTrue(Files.exists(dir.resolve(file)), file);
      assertEquals("rw-------", mode(dir.resolve(file)), file);
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(), files.filter(p -> p.toString().endsWith(".tmp")).toList(), "no temporary files left");
    }
  }
}
