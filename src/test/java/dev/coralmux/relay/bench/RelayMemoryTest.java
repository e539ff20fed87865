package dev.coralmux.relay.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** jcmd GC.heap_info as JDK 17 prints it for the common collectors; Metaspace is not heap. */
class RelayMemoryTest {

  @Test
  void g1HasOneHeapLine() {
    String out = "4242:\n garbage-first heap   total 262144K, used 20480K [0x0000000700000000, 0x0000000800000000)\n"
        + "  region size 1024K, 5 young (5120K), 0 survivors (0K)\n"
        + " Metaspace       used 31000K, committed 31500K, reserved 1114112K\n"
        + "  class space    used 4000K, committed 4200K, reserved 1048576K\n";
    assertEquals(20480L << 10, RelayMemory.heapUsed(out));
  }

  @Test
  void parallelSumsItsGenerations() {
    String out = "4242:\n PSYoungGen      total 76288K, used 3932K [0x00000007, 0x00000008)\n"
        + "  eden space 65536K, 6% used [0x00000007,0x00000007,0x00000007)\n"
        + " ParOldGen       total 175104K, used 1000K [0x00000006, 0x00000007)\n"
        + "  object space 175104K, 0% used [0x00000006,0x00000006,0x00000007)\n"
        + " Metaspace       used 150K, committed 320K, reserved 1114112K\n";
    assertEquals((3932L + 1000) << 10, RelayMemory.heapUsed(out));
  }

  @Test
  void zgcCountsInMegabytes() {
    assertEquals(8L << 20, RelayMemory.heapUsed("4242:\n ZHeap           used 8M, capacity 32M, max capacity 4096M\n"));
  }

  @Test
  void noFigureIsAnError() {
    assertThrows(IllegalStateException.class, () -> RelayMemory.heapUsed("4242:\nCommand executed successfully\n"));
  }
}
