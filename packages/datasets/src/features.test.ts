import { describe, expect, it } from 'vitest';
import { FeatureError } from './errors.js';
import { ClassLabel, Features, featureFromJSON, inferFeature, Sequence, Value } from './features.js';

describe('features', () => {
  const label = new ClassLabel({ names: ['O', 'B-PER', 'I-PER'] });

  it('ClassLabel converts both ways and names bad values', () => {
    expect(label.numClasses).toBe(3);
    expect(label.int2str(1)).toBe('B-PER');
    expect(label.int2str([0, 2])).toEqual(['O', 'I-PER']);
    expect(label.str2int('I-PER')).toBe(2);
    expect(label.str2int(['O', 'B-PER'])).toEqual([0, 1]);
    expect(() => label.int2str(3)).toThrow(/Class id 3 is outside ClassLabel\(num_classes=3\)/);
    expect(() => label.str2int('B-LOC')).toThrow(FeatureError);
    expect(() => new ClassLabel({ names: ['a', 'a'] })).toThrow(/unique/);
    expect(new ClassLabel({ numClasses: 2 }).names).toEqual(['0', '1']);
  });

  it('print like datasets 4', () => {
    expect(String(new Value('string'))).toBe("Value('string')");
    expect(String(label)).toBe("ClassLabel(names=['O', 'B-PER', 'I-PER'])");
    expect(String(new Sequence(label))).toBe("List(ClassLabel(names=['O', 'B-PER', 'I-PER']))");
    expect(String(new Sequence(new Value('int32'), 3))).toBe("List(Value('int32'), length=3)");
    const features = new Features({
      tokens: new Sequence(new Value('string')),
      ner_tags: new Sequence(label),
    });
    expect(String(features)).toBe(
      "{'tokens': List(Value('string')), 'ner_tags': List(ClassLabel(names=['O', 'B-PER', 'I-PER']))}",
    );
    expect(String(new ClassLabel({ names: ["''", '"'] }))).toBe(`ClassLabel(names=["''", '"'])`);
  });

  it('JSON round trip, including datasets 2.x Sequence and [feature] forms', () => {
    const features = new Features({ id: new Value('string'), ner_tags: new Sequence(label) });
    expect(String(Features.fromJSON(features.toJSON()))).toBe(String(features));
    const old = featureFromJSON(
      { feature: { names: ['a', 'b'], _type: 'ClassLabel' }, length: -1, _type: 'Sequence' },
      'x',
    );
    expect(String(old)).toBe("List(ClassLabel(names=['a', 'b']))");
    expect(String(featureFromJSON([{ dtype: 'int64', _type: 'Value' }], 'x'))).toBe("List(Value('int64'))");
    expect(() => featureFromJSON({ _type: 'Image' }, 'features.img')).toThrow(
      /features\.img: feature type "Image"/,
    );
  });

  it('validate names the place and the value', () => {
    expect(() => new Sequence(label).validate([0, 5], 'row 3')).toThrow('row 3[1]: 5 is not a class id');
    expect(() => new Value('int32').validate('7', 'col')).toThrow("col: expected an int32 integer, got '7'");
    expect(() => label.validate(-1, 'x')).not.toThrow();
  });

  it('infers like pyarrow', () => {
    expect(String(inferFeature(['a', null], 'c'))).toBe("Value('string')");
    expect(String(inferFeature([1, 2], 'c'))).toBe("Value('int64')");
    expect(String(inferFeature([1, 2.5], 'c'))).toBe("Value('float64')");
    expect(String(inferFeature([[1], []], 'c'))).toBe("List(Value('int64'))");
    expect(() => inferFeature([1, 'a'], 'c')).toThrow(/mix/);
  });
});
