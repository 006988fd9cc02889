; st_bench.asm — placeholder until the benchmarks land.
section .text
bits 64
st_bench:
  mov eax, ST_FAIL
  ret
