{
  "targets": [
    {
      "target_name": "ner_cuda",
      "sources": [
        "src/addon/binding.cc",
        "src/addon/device.cc",
        "src/addon/device_events.cc",
        "src/addon/dynlib.cc",
        "src/addon/nccl.cc",
        "src/addon/nccl_binding.cc"
      ],
      "libraries": ["-ldl", "-lpthread"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-O2", "-Wall", "-Wextra"],
      "cflags": ["-O2"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
