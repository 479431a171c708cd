// Peer for the all-reduce bench (tools/bench/allreduce.mjs): Open MPI's MPI_Allreduce of the
// same 16 MiB float32 sum, so the bench can print our bandwidth as a ratio of MPI's.
//
// Build:  node tools/bench/peers/mpi_peer.mjs --build        (prints the binary's path)
//         or: mpicc -O2 -o mpi_allreduce tools/bench/peers/mpi_allreduce.c
// Run:    mpirun -np N [--mca btl self,tcp] mpi_allreduce [bytes=16777216] [iterations=20] [warmup=3]
// Each iteration: a barrier (not timed), then one timed in-place MPI_SUM all-reduce; the data is
// reset between iterations (not timed) and checked after the last. Rank 0 prints one JSON line:
//   {"peer":"mpi","worldSize":N,"bytes":B,"iterationsMs":[...],"medianMs":m,"check":"ok"}
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

static int compare(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  long bytes = argc > 1 ? atol(argv[1]) : 16L * 1024 * 1024;
  int iterations = argc > 2 ? atoi(argv[2]) : 20;
  int warmup = argc > 3 ? atoi(argv[3]) : 3;
  long count = bytes / 4;
  float *data = malloc(count * sizeof(float));
  double *times = malloc(iterations * sizeof(double));
  if (!data || !times) {
    fprintf(stderr, "out of memory\n");
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  for (int i = -warmup; i < iterations; i++) {
    for (long j = 0; j < count; j++) data[j] = (float)(rank + 1);
    MPI_Barrier(MPI_COMM_WORLD);
    double start = MPI_Wtime();
    MPI_Allreduce(MPI_IN_PLACE, data, (int)count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
    double ms = (MPI_Wtime() - start) * 1000.0;
    if (i >= 0) times[i] = ms;
  }
  // Every element must be 1 + 2 + ... + size.
  float want = (float)size * (size + 1) / 2;
  int ok = 1;
  for (long j = 0; j < count; j++) {
    if (data[j] != want) {
      ok = 0;
      break;
    }
  }
  if (rank == 0) {
    double *sorted = malloc(iterations * sizeof(double));
    for (int i = 0; i < iterations; i++) sorted[i] = times[i];
    qsort(sorted, iterations, sizeof(double), compare);
    printf("{\"peer\":\"mpi\",\"worldSize\":%d,\"bytes\":%ld,\"iterationsMs\":[", size, bytes);
    for (int i = 0; i < iterations; i++) printf("%s%.3f", i ? "," : "", times[i]);
    printf("],\"medianMs\":%.3f,\"check\":\"%s\"}\n", sorted[iterations / 2], ok ? "ok" : "bad");
    free(sorted);
  }
  free(data);
  free(times);
  MPI_Finalize();
  return ok ? 0 : 1;
}
