{
  "variables": {
    # 1: link OpenBLAS (cblas.h and libopenblas.so must be there); 0: GEMM on our own kernels
    # only. scripts/build-addon.mjs decides and passes --ner_openblas=0|1.
    "ner_openblas%": "1"
  },
  "targets": [
    {
      "target_name": "ner_native",
      "sources": [
        "src/addon/binding.cc",
        "src/addon/kernels.cc",
        "src/addon/panel_gemm.cc",
        "src/addon/portable_gemm.cc",
        "src/addon/parallel.cc",
        "src/addon/fused.cc",
        "src/addon/embeddings.cc",
        "src/addon/inference.cc",
        "src/addon/encoder_layer.cc",
        "src/addon/inference_binding.cc",
        "src/addon/bf16_gemm.cc",
        "src/addon/attention_avx512.cc",
        "src/addon/autocast_gemm.cc"
      ],
      "libraries": ["-lpthread"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-O3", "-ffp-contract=off", "-fno-trapping-math", "-fno-math-errno"],
      "cflags": ["-O3"],
      "defines": ["NAPI_VERSION=8"],
      "conditions": [
        [
          "ner_openblas==1",
          {
            "defines": ["NER_HAVE_OPENBLAS=1"],
            "include_dirs": ["/usr/include/x86_64-linux-gnu/openblas-pthread", "/usr/include/aarch64-linux-gnu/openblas-pthread", "/usr/include/openblas"],
            "libraries": ["-lopenblas"]
          }
        ]
      ]
    }
  ]
}
