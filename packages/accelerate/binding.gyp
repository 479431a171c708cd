{
  "variables": {
    "gloo_prefix%": "/usr"
  },
  "targets": [
    {
      "target_name": "ner_gloo",
      "sources": [
        "native/gloo/addon.cc",
        "native/gloo/async_job.cc",
        "native/gloo/collectives.cc",
        "native/gloo/shm_collectives.cc",
        "native/gloo/shm_host.cc",
        "native/gloo/shm_segment.cc",
        "native/gloo/store_client.cc"
      ],
      "include_dirs": ["<(gloo_prefix)/include"],
      "libraries": ["-L<(gloo_prefix)/lib", "-Wl,-rpath,<(gloo_prefix)/lib", "-lgloo", "-lpthread", "-lrt"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-frtti", "-O3"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
