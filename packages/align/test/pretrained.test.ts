import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedPath } from '@ner/test-support';
import { describe, expect, it } from 'vitest';
import {
  BertTokenizerFast,
  decodeWordPieces,
  isLengthLimit,
  LARGE_INTEGER,
  loadTokenizer,
  Tokenizer,
  TokenizerLoadError,
  VERY_LARGE_INTEGER,
} from '../src/index.js';
import { vocabDir } from './corpora.js';
import { tempDirs } from './temp-dirs.js';

const tmp = tempDirs('ner-align-pretrained-');
const read = (dir: string, name: string) => readFileSync(join(dir, name), 'utf8');

describe('Tokenizer.fromPretrained / savePretrained', () => {
  it('BertTokenizerFast is the same class, and loadTokenizer is a thin wrapper', async () => {
    expect(BertTokenizerFast).toBe(Tokenizer);
    const a = await Tokenizer.fromPretrained(vocabDir('bert-base-cased'));
    const b = await loadTokenizer(vocabDir('bert-base-cased'));
    expect(a).toBeInstanceOf(Tokenizer);
    expect(b.encode('EU rejects').inputIds).toEqual(a.encode('EU rejects').inputIds);
  });

  it('rewrites the oracle tokenizer.json byte for byte (pretty, as the Rust save)', async () => {
    const dir = sharedPath('oracle', 'pipeline');
    const out = tmp();
    await (await Tokenizer.fromPretrained(dir)).savePretrained(out);
    expect(read(out, 'tokenizer.json')).toBe(read(dir, 'tokenizer.json'));
    expect(read(out, 'vocab.txt')).toBe(read(dir, 'vocab.txt'));
  });

  it('writes tokenizer_config.json and special_tokens_map.json as transformers 4.38 does', async () => {
    const out = tmp();
    await (await Tokenizer.fromPretrained(vocabDir('bert-base-cased'))).savePretrained(out);
    const config = read(out, 'tokenizer_config.json');
    // json.dumps(indent=2, sort_keys=True) + "\n"; private keys dropped; added tokens by id.
    const parsed = JSON.parse(config) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual([...Object.keys(parsed)].sort());
    expect(config.endsWith('}\n')).toBe(true);
    expect(parsed).not.toHaveProperty('name_or_path');
    expect(parsed).not.toHaveProperty('special_tokens_map_file');
    expect(parsed).toMatchObject({
      clean_up_tokenization_spaces: true,
      do_lower_case: false,
      model_max_length: 512,
      tokenizer_class: 'BertTokenizer',
      cls_token: '[CLS]',
    });
    expect((parsed.added_tokens_decoder as Record<string, unknown>)['100']).toEqual({
      content: '[UNK]',
      lstrip: false,
      normalized: false,
      rstrip: false,
      single_word: false,
      special: true,
    });
    expect(read(out, 'special_tokens_map.json')).toBe(
      '{\n  "cls_token": "[CLS]",\n  "mask_token": "[MASK]",\n  "pad_token": "[PAD]",\n  "sep_token": "[SEP]",\n  "unk_token": "[UNK]"\n}\n',
    );
  });

  it('no model_max_length means int(1e30), written as Python writes it and read back as "no limit"', async () => {
    const tokenizer = await Tokenizer.fromPretrained(sharedPath('oracle', 'pipeline'));
    expect(tokenizer.modelMaxLength).toBe(VERY_LARGE_INTEGER);
    expect(isLengthLimit(tokenizer.modelMaxLength)).toBe(false);
    const out = tmp();
    await tokenizer.savePretrained(out);
    expect(read(out, 'tokenizer_config.json')).toContain(
      '"model_max_length": 1000000000000000019884624838656,',
    );
    expect((await Tokenizer.fromPretrained(out)).modelMaxLength).toBe(VERY_LARGE_INTEGER);
    // Neither truncation nor max_length padding happens without a limit (Python: "no maximum length").
    const e = tokenizer.encode('a b c', { truncation: true, padding: 'max_length' });
    expect(e.tokens()).toEqual(['[CLS]', 'a', 'b', 'c', '[SEP]']);
    expect(isLengthLimit(512)).toBe(true);
    expect(isLengthLimit(LARGE_INTEGER * 10)).toBe(false);
  });

  it('modelMaxLength overrides the file (Python: from_pretrained(..., model_max_length=))', async () => {
    const tokenizer = await Tokenizer.fromPretrained(sharedPath('oracle', 'pipeline'), {
      modelMaxLength: 12,
    });
    expect(tokenizer.modelMaxLength).toBe(12);
    await expect(
      Tokenizer.fromPretrained(vocabDir('bert-base-cased'), { modelMaxLength: 0 }),
    ).rejects.toThrow(TokenizerLoadError);
  });

  it('keeps the decoder settings of tokenizer.json (cleanup off)', async () => {
    const dir = tmp();
    const json = JSON.parse(read(sharedPath('oracle', 'pipeline'), 'tokenizer.json'));
    json.decoder = { type: 'WordPiece', prefix: '##', cleanup: false };
    writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(json));
    const tokenizer = await Tokenizer.fromPretrained(dir);
    expect(tokenizer.convertTokensToString(['Dr', '.'])).toBe('Dr .');
    const out = tmp();
    await tokenizer.savePretrained(out);
    expect(JSON.parse(read(out, 'tokenizer.json')).decoder).toEqual(json.decoder);
  });
});

describe('decoding', () => {
  it('convertTokensToString is the Rust WordPiece decoder: clean-up per token', async () => {
    const tokenizer = await Tokenizer.fromPretrained(vocabDir('bert-base-cased'));
    const decode = (tokens: string[]) => tokenizer.convertTokensToString(tokens);
    expect(decode(['Mer', '##kel', 'met', 'Emm', '##anuel'])).toBe('Merkel met Emmanuel');
    expect(decode(['Dr', '.'])).toBe('Dr.');
    expect(decode(['-', 'Planck'])).toBe('- Planck');
    expect(decode(["'", 's'])).toBe("' s");
    expect(decode(['I', "'m"])).toBe("I'm");
    expect(decode(['did', "n't"])).toBe("didn't");
    expect(decode(['wow', '!', '?', ','])).toBe('wow!?,');
    expect(decode(['##chen'])).toBe('##chen');
    expect(decodeWordPieces(['Dr', '.'], { cleanup: false })).toBe('Dr .');
    expect(decodeWordPieces(['a', '@@b'], '@@')).toBe('ab');
  });

  it("decode adds Python's clean_up_tokenization on the whole string unless switched off", async () => {
    const tokenizer = await Tokenizer.fromPretrained(vocabDir('bert-base-cased'));
    const ids = tokenizer.encode("England ' s one").inputIds;
    expect(tokenizer.decode(ids, { skipSpecialTokens: true })).toBe("England's one");
    expect(tokenizer.decode(ids, { skipSpecialTokens: true, cleanUpTokenizationSpaces: false })).toBe(
      "England ' s one",
    );
  });
});
