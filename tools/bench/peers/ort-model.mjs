// The onnxruntime-node peer of native-pipeline.mjs (what transformers.js does in Node): an ONNX
// export of the same BERT run by onnxruntime-node, wrapped as a @ner/pipeline PipelineModel so the
// pipeline's tokenization and post-processing are the same code on both sides.
//
// onnxruntime-node is not a dependency of this repo: its postinstall downloads CUDA binaries from
// api.nuget.org, which fails offline (the CPU binaries are inside the npm tarball). Install it
// elsewhere with scripts off and point NER_BENCH_ORT_PATH at the package folder:
//   mkdir -p /tmp/ortpeer && cd /tmp/ortpeer && npm init -y >/dev/null &&
//   npm install --ignore-scripts onnxruntime-node@1.22.0
//   NER_BENCH_ORT_PATH=/tmp/ortpeer/node_modules/onnxruntime-node node tools/bench/native-pipeline.mjs
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { envString, repoRoot } from './tfjs-backends.mjs';

/** Loads onnxruntime-node from NER_BENCH_ORT_PATH or the repo; returns `{ ort }` or `{ reason }`. */
export async function loadOrt() {
  const forced = envString('NER_BENCH_ORT_PATH');
  try {
    if (forced) {
      if (!existsSync(join(forced, 'package.json')))
        return { reason: `NER_BENCH_ORT_PATH=${forced} has no package.json` };
      const require = createRequire(join(forced, 'package.json'));
      return { ort: require(forced), path: forced };
    }
    const require = createRequire(join(repoRoot, 'package.json'));
    const path = require.resolve('onnxruntime-node');
    return { ort: await import(pathToFileURL(path).href), path };
  } catch (error) {
    return {
      reason:
        `onnxruntime-node cannot be loaded (${String(error.message).split('\n')[0].slice(0, 120)}); ` +
        'install it outside the repo with `npm install --ignore-scripts onnxruntime-node@1.22.0` ' +
        '(its postinstall fetches CUDA files from nuget.org) and set NER_BENCH_ORT_PATH to its folder',
    };
  }
}

/** A PipelineModel running `onnxFile` (inputs input_ids/attention_mask/token_type_ids int64, output logits). */
export async function ortPipelineModel(ort, onnxFile, config, threads) {
  const session = await ort.InferenceSession.create(onnxFile, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    executionProviders: ['cpu'],
  });
  const int64 = (rows) => {
    const b = rows.length;
    const t = rows[0]?.length ?? 0;
    const data = new BigInt64Array(b * t);
    rows.forEach((row, i) => {
      for (let j = 0; j < t; j++) data[i * t + j] = BigInt(row[j]);
    });
    return new ort.Tensor('int64', data, [b, t]);
  };
  return {
    config: {
      id2label: config.id2label,
      numLabels: Object.keys(config.id2label).length,
      usesTokenTypeIds: true,
      maxPositionEmbeddings: config.max_position_embeddings,
    },
    async predict(batch) {
      // The pipeline's batch has Python's keys (older @ner/pipeline: camelCase ones).
      const out = await session.run({
        input_ids: int64(batch.input_ids ?? batch.inputIds),
        attention_mask: int64(batch.attention_mask ?? batch.attentionMask),
        token_type_ids: int64(batch.token_type_ids ?? batch.tokenTypeIds),
      });
      return { data: out.logits.data, shape: [...out.logits.dims] };
    },
    dispose() {
      session.release?.();
    },
  };
}
