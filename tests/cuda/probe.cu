/*
 * probe.cu — the smallest CUDA source: a kernel that is only compiled, never
 * launched (make tests builds it with the Makefile's .cu rule when the CUDA
 * toolkit is found; tests/integration/test_cuda_rule.sh checks the object).
 * No GPU or driver is needed.
 */
__global__ void cxs_probe_scale(float *x, float a, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        x[i] *= a;
}
