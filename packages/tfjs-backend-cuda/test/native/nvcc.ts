// nvcc as scripts/build-fatbin.mjs finds it (PATH, CUDA_HOME/bin, CUDA_PATH/bin,
// /usr/local/cuda/bin): the tests ask the build script itself, so the two never disagree.
export { findNvcc } from '../../scripts/build-fatbin.mjs';
