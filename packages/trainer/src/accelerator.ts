// The Trainer runs on @ner/accelerate's Accelerator (as transformers' Trainer runs on accelerate).
// This module only gives the Trainer's files one local name for it; @ner/trainer exports none of it.
export { Accelerator, type PreparedDataLoader } from '@ner/accelerate';
