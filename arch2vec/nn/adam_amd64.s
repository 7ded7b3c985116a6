#include "textflag.h"

// Adam's element update (see adamScalar in adam.go), 16 (AVX-512) or 8
// (AVX2) elements per iteration, n a multiple of that. Every operation is
// the unfused float32 one of the portable loop, in the same order (sqrt is
// correctly rounded either way), so the results are bit-identical to it.
//
//	m += (g−m)·c1;  v = v·b2 + g·g·c2;  d −= step·(m / (√v/bc2s + eps))

// func adamVec512(d, gr, m, v *float32, n int, c1, b2, c2, bc2s, eps, step float32)
TEXT ·adamVec512(SB), NOSPLIT, $0-64
	MOVQ d+0(FP), DI
	MOVQ gr+8(FP), SI
	MOVQ m+16(FP), R8
	MOVQ v+24(FP), R9
	MOVQ n+32(FP), CX
	VBROADCASTSS c1+40(FP), Z10
	VBROADCASTSS b2+44(FP), Z11
	VBROADCASTSS c2+48(FP), Z12
	VBROADCASTSS bc2s+52(FP), Z13
	VBROADCASTSS eps+56(FP), Z14
	VBROADCASTSS step+60(FP), Z9
	XORQ BX, BX
	TESTQ CX, CX
	JZ ad5_done
ad5_loop:
	VMOVUPS (SI)(BX*4), Z0
	VMOVUPS (R8)(BX*4), Z1
	VSUBPS Z1, Z0, Z2
	VMULPS Z10, Z2, Z2
	VADDPS Z2, Z1, Z1
	VMOVUPS Z1, (R8)(BX*4)
	VMOVUPS (R9)(BX*4), Z3
	VMULPS Z11, Z3, Z3
	VMULPS Z0, Z0, Z4
	VMULPS Z12, Z4, Z4
	VADDPS Z4, Z3, Z3
	VMOVUPS Z3, (R9)(BX*4)
	VSQRTPS Z3, Z5
	VDIVPS Z13, Z5, Z5
	VADDPS Z14, Z5, Z5
	VDIVPS Z5, Z1, Z6
	VMULPS Z9, Z6, Z6
	VMOVUPS (DI)(BX*4), Z7
	VSUBPS Z6, Z7, Z7
	VMOVUPS Z7, (DI)(BX*4)
	ADDQ $16, BX
	CMPQ BX, CX
	JLT ad5_loop
ad5_done:
	VZEROUPPER
	RET

// func adamVecAVX2(d, gr, m, v *float32, n int, c1, b2, c2, bc2s, eps, step float32)
TEXT ·adamVecAVX2(SB), NOSPLIT, $0-64
	MOVQ d+0(FP), DI
	MOVQ gr+8(FP), SI
	MOVQ m+16(FP), R8
	MOVQ v+24(FP), R9
	MOVQ n+32(FP), CX
	VBROADCASTSS c1+40(FP), Y10
	VBROADCASTSS b2+44(FP), Y11
	VBROADCASTSS c2+48(FP), Y12
	VBROADCASTSS bc2s+52(FP), Y13
	VBROADCASTSS eps+56(FP), Y14
	VBROADCASTSS step+60(FP), Y9
	XORQ BX, BX
	TESTQ CX, CX
	JZ ad2_done
ad2_loop:
	VMOVUPS (SI)(BX*4), Y0
	VMOVUPS (R8)(BX*4), Y1
	VSUBPS Y1, Y0, Y2
	VMULPS Y10, Y2, Y2
	VADDPS Y2, Y1, Y1
	VMOVUPS Y1, (R8)(BX*4)
	VMOVUPS (R9)(BX*4), Y3
	VMULPS Y11, Y3, Y3
	VMULPS Y0, Y0, Y4
	VMULPS Y12, Y4, Y4
	VADDPS Y4, Y3, Y3
	VMOVUPS Y3, (R9)(BX*4)
	VSQRTPS Y3, Y5
	VDIVPS Y13, Y5, Y5
	VADDPS Y14, Y5, Y5
	VDIVPS Y5, Y1, Y6
	VMULPS Y9, Y6, Y6
	VMOVUPS (DI)(BX*4), Y7
	VSUBPS Y6, Y7, Y7
	VMOVUPS Y7, (DI)(BX*4)
	ADDQ $8, BX
	CMPQ BX, CX
	JLT ad2_loop
ad2_done:
	VZEROUPPER
	RET
