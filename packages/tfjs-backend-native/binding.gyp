{
  "targets": [
    {
      "target_name": "ner_native",
      "sources": ["src/addon/binding.cc", "src/addon/kernels.cc", "src/addon/panel_gemm.cc", "src/addon/parallel.cc", "src/addon/fused.cc"],
      "include_dirs": ["/usr/include/x86_64-linux-gnu/openblas-pthread", "/usr/include/openblas"],
      "libraries": ["-lopenblas", "-lpthread"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-O3", "-ffp-contract=off", "-fno-trapping-math", "-fno-math-errno"],
      "cflags": ["-O3"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
