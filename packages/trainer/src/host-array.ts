// Host copies of tensors for the evaluation loop come from @ner/accelerate (not re-exported).
export { toHost } from '@ner/accelerate/internal';
