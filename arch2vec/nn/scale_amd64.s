#include "textflag.h"

// func scaleVec512(dst, x *float32, n int, s float32)
// dst[i] = s·x[i] for i < n, n a multiple of 16 (one rounding per element,
// as the portable loop).
TEXT ·scaleVec512(SB), NOSPLIT, $0-28
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX
	VBROADCASTSS s+24(FP), Z0
	XORQ BX, BX
	TESTQ CX, CX
	JZ sv5_done
sv5_loop:
	VMULPS (SI)(BX*4), Z0, Z1
	VMOVUPS Z1, (DI)(BX*4)
	ADDQ $16, BX
	CMPQ BX, CX
	JLT sv5_loop
sv5_done:
	VZEROUPPER
	RET

// func scaleVecAVX2(dst, x *float32, n int, s float32)
// As scaleVec512, n a multiple of 8.
TEXT ·scaleVecAVX2(SB), NOSPLIT, $0-28
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX
	VBROADCASTSS s+24(FP), Y0
	XORQ BX, BX
	TESTQ CX, CX
	JZ sv2_done
sv2_loop:
	VMULPS (SI)(BX*4), Y0, Y1
	VMOVUPS Y1, (DI)(BX*4)
	ADDQ $8, BX
	CMPQ BX, CX
	JLT sv2_loop
sv2_done:
	VZEROUPPER
	RET
