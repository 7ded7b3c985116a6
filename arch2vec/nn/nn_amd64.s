#include "textflag.h"

// func cpuid(eax, ecx uint32) (a, b, c, d uint32)
TEXT ·cpuid(SB), NOSPLIT, $0-24
	MOVL eax+0(FP), AX
	MOVL ecx+4(FP), CX
	CPUID
	MOVL AX, a+8(FP)
	MOVL BX, b+12(FP)
	MOVL CX, c+16(FP)
	MOVL DX, d+20(FP)
	RET

// func xgetbv() (eax, edx uint32)
TEXT ·xgetbv(SB), NOSPLIT, $0-8
	MOVL $0, CX
	XGETBV
	MOVL AX, eax+0(FP)
	MOVL DX, edx+4(FP)
	RET

// func scaleShiftRows(y, x *float32, rows, w, ld int, al, be *float32, relu bool)
// y[r·ld+j] = x[r·ld+j]·al[j] + be[j] for j < w (a multiple of 16), one
// fused multiply-add per element, then max(·, 0) when relu (−0 and negative
// NaNs become +0, as in the portable code).
TEXT ·scaleShiftRows(SB), NOSPLIT, $0-57
	MOVQ y+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ rows+16(FP), CX
	MOVQ w+24(FP), DX
	MOVQ ld+32(FP), R10
	MOVQ al+40(FP), R8
	MOVQ be+48(FP), R9
	MOVBLZX relu+56(FP), AX
	TESTQ CX, CX
	JZ ssr_done
ssr_row:
	XORQ BX, BX
ssr_col:
	VMOVUPS (SI)(BX*4), Z0
	VMOVUPS (R9)(BX*4), Z1
	VFMADD231PS (R8)(BX*4), Z0, Z1
	TESTQ AX, AX
	JZ ssr_store
	VPSRAD $31, Z1, Z2
	VPANDND Z1, Z2, Z1
ssr_store:
	VMOVUPS Z1, (DI)(BX*4)
	ADDQ $16, BX
	CMPQ BX, DX
	JLT ssr_col
	LEAQ (SI)(R10*4), SI
	LEAQ (DI)(R10*4), DI
	DECQ CX
	JNZ ssr_row
ssr_done:
	VZEROUPPER
	RET

// func bnSums(gp, x, y *float32, rows, ld int, mean *float32, s, d *float64)
// For 16 columns: s[j] = Σ_r g'[r,j] and d[j] = Σ_r g'[r,j]·(x[r,j]−mean[j]),
// x−mean in float32, products and sums in float64, rows in order; g' is g,
// or g where !(y ≤ 0) when y is not nil (the ReLU mask, as
// threshold_backward).
TEXT ·bnSums(SB), NOSPLIT, $0-64
	MOVQ gp+0(FP), SI
	MOVQ x+8(FP), DI
	MOVQ y+16(FP), DX
	MOVQ rows+24(FP), CX
	MOVQ ld+32(FP), R10
	SHLQ $2, R10
	MOVQ mean+40(FP), AX
	VMOVUPS (AX), Z0
	VPXORD Z8, Z8, Z8
	VPXORD Z16, Z16, Z16
	VPXORD Z17, Z17, Z17
	VPXORD Z18, Z18, Z18
	VPXORD Z19, Z19, Z19
	TESTQ CX, CX
	JZ bns_store
bns_loop:
	TESTQ DX, DX
	JZ bns_nomask
	VMOVUPS (DX), Z7
	VCMPPS $6, Z8, Z7, K2
	VMOVUPS.Z (SI), K2, Z1
	ADDQ R10, DX
	JMP bns_acc
bns_nomask:
	VMOVUPS (SI), Z1
bns_acc:
	VCVTPS2PD Y1, Z2
	VEXTRACTF64X4 $1, Z1, Y3
	VCVTPS2PD Y3, Z3
	VADDPD Z2, Z16, Z16
	VADDPD Z3, Z17, Z17
	VMOVUPS (DI), Z4
	VSUBPS Z0, Z4, Z4
	VCVTPS2PD Y4, Z5
	VEXTRACTF64X4 $1, Z4, Y6
	VCVTPS2PD Y6, Z6
	VFMADD231PD Z2, Z5, Z18
	VFMADD231PD Z3, Z6, Z19
	ADDQ R10, SI
	ADDQ R10, DI
	DECQ CX
	JNZ bns_loop
bns_store:
	MOVQ s+48(FP), AX
	VMOVUPD Z16, (AX)
	VMOVUPD Z17, 64(AX)
	MOVQ d+56(FP), AX
	VMOVUPD Z18, (AX)
	VMOVUPD Z19, 64(AX)
	VZEROUPPER
	RET

// func bnDx(dx, gp, x, y *float32, rows, w, ld int, mean, mg, kk, sc *float32, train bool)
// dx = (g' − mg − (x−mean)·kk)·sc in training mode, g'·sc otherwise, for w
// (a multiple of 16) columns of rows rows; g' as in bnSums.
TEXT ·bnDx(SB), NOSPLIT, $0-89
	MOVQ dx+0(FP), R11
	MOVQ gp+8(FP), SI
	MOVQ x+16(FP), DI
	MOVQ y+24(FP), DX
	MOVQ rows+32(FP), CX
	MOVQ w+40(FP), R12
	MOVQ ld+48(FP), R10
	SHLQ $2, R10
	MOVQ mean+56(FP), R8
	MOVQ mg+64(FP), R9
	MOVQ kk+72(FP), R13
	MOVQ sc+80(FP), AX
	VPXORD Z8, Z8, Z8
	TESTQ CX, CX
	JZ bnd_done
bnd_row:
	XORQ BX, BX
bnd_col:
	TESTQ DX, DX
	JZ bnd_nomask
	VMOVUPS (DX)(BX*4), Z7
	VCMPPS $6, Z8, Z7, K2
	VMOVUPS.Z (SI)(BX*4), K2, Z1
	JMP bnd_have
bnd_nomask:
	VMOVUPS (SI)(BX*4), Z1
bnd_have:
	CMPB train+88(FP), $0
	JEQ bnd_eval
	VMOVUPS (DI)(BX*4), Z4
	VSUBPS (R8)(BX*4), Z4, Z4
	VSUBPS (R9)(BX*4), Z1, Z1
	VFNMADD231PS (R13)(BX*4), Z4, Z1
bnd_eval:
	VMULPS (AX)(BX*4), Z1, Z1
	VMOVUPS Z1, (R11)(BX*4)
	ADDQ $16, BX
	CMPQ BX, R12
	JLT bnd_col
	ADDQ R10, SI
	ADDQ R10, DI
	ADDQ R10, R11
	TESTQ DX, DX
	JZ bnd_next
	ADDQ R10, DX
bnd_next:
	DECQ CX
	JNZ bnd_row
bnd_done:
	VZEROUPPER
	RET

// func bnStats(x *float32, rows, ld int, n float64, mean, sq *float64)
// For 16 columns: mean[j] = Σ_r x[r,j] / rows and sq[j] = Σ_r (x[r,j] −
// mean[j])², in float64 and in row order (two passes), as the portable code.
// rows must be at least 1; n is rows as a float64.
TEXT ·bnStats(SB), NOSPLIT, $0-48
	MOVQ x+0(FP), SI
	MOVQ rows+8(FP), CX
	MOVQ ld+16(FP), R10
	SHLQ $2, R10
	VPXORD Z16, Z16, Z16
	VPXORD Z17, Z17, Z17
	MOVQ SI, DI
	MOVQ CX, DX
bst_sum:
	VMOVUPS (DI), Z1
	VCVTPS2PD Y1, Z2
	VEXTRACTF64X4 $1, Z1, Y3
	VCVTPS2PD Y3, Z3
	VADDPD Z2, Z16, Z16
	VADDPD Z3, Z17, Z17
	ADDQ R10, DI
	DECQ DX
	JNZ bst_sum
	VBROADCASTSD n+24(FP), Z4
	VDIVPD Z4, Z16, Z16
	VDIVPD Z4, Z17, Z17
	VPXORD Z18, Z18, Z18
	VPXORD Z19, Z19, Z19
bst_sq:
	VMOVUPS (SI), Z1
	VCVTPS2PD Y1, Z2
	VEXTRACTF64X4 $1, Z1, Y3
	VCVTPS2PD Y3, Z3
	VSUBPD Z16, Z2, Z2
	VSUBPD Z17, Z3, Z3
	VFMADD231PD Z2, Z2, Z18
	VFMADD231PD Z3, Z3, Z19
	ADDQ R10, SI
	DECQ CX
	JNZ bst_sq
	MOVQ mean+32(FP), AX
	VMOVUPD Z16, (AX)
	VMOVUPD Z17, 64(AX)
	MOVQ sq+40(FP), AX
	VMOVUPD Z18, (AX)
	VMOVUPD Z19, 64(AX)
	VZEROUPPER
	RET

// func bnSums32(gp, x, y *float32, rows, ld int, mean *float32, s, d *float64)
// bnSums for 32 columns at once: twice the independent accumulator chains
// (the loop is bound by the latency of the float64 additions), the same
// per-column operations in the same order, so bit-identical results.
TEXT ·bnSums32(SB), NOSPLIT, $0-64
	MOVQ gp+0(FP), SI
	MOVQ x+8(FP), DI
	MOVQ y+16(FP), DX
	MOVQ rows+24(FP), CX
	MOVQ ld+32(FP), R10
	SHLQ $2, R10
	MOVQ mean+40(FP), AX
	VMOVUPS (AX), Z0
	VMOVUPS 64(AX), Z1
	VPXORD Z8, Z8, Z8
	VPXORD Z16, Z16, Z16
	VPXORD Z17, Z17, Z17
	VPXORD Z18, Z18, Z18
	VPXORD Z19, Z19, Z19
	VPXORD Z20, Z20, Z20
	VPXORD Z21, Z21, Z21
	VPXORD Z22, Z22, Z22
	VPXORD Z23, Z23, Z23
	TESTQ CX, CX
	JZ b32_store
b32_loop:
	TESTQ DX, DX
	JZ b32_nomask
	VMOVUPS (DX), Z7
	VCMPPS $6, Z8, Z7, K2
	VMOVUPS.Z (SI), K2, Z2
	VMOVUPS 64(DX), Z7
	VCMPPS $6, Z8, Z7, K3
	VMOVUPS.Z 64(SI), K3, Z3
	ADDQ R10, DX
	JMP b32_acc
b32_nomask:
	VMOVUPS (SI), Z2
	VMOVUPS 64(SI), Z3
b32_acc:
	VCVTPS2PD Y2, Z4
	VEXTRACTF64X4 $1, Z2, Y5
	VCVTPS2PD Y5, Z5
	VCVTPS2PD Y3, Z6
	VEXTRACTF64X4 $1, Z3, Y9
	VCVTPS2PD Y9, Z9
	VADDPD Z4, Z16, Z16
	VADDPD Z5, Z17, Z17
	VADDPD Z6, Z18, Z18
	VADDPD Z9, Z19, Z19
	VMOVUPS (DI), Z10
	VSUBPS Z0, Z10, Z10
	VMOVUPS 64(DI), Z11
	VSUBPS Z1, Z11, Z11
	VCVTPS2PD Y10, Z12
	VEXTRACTF64X4 $1, Z10, Y13
	VCVTPS2PD Y13, Z13
	VCVTPS2PD Y11, Z14
	VEXTRACTF64X4 $1, Z11, Y10
	VCVTPS2PD Y10, Z10
	VFMADD231PD Z4, Z12, Z20
	VFMADD231PD Z5, Z13, Z21
	VFMADD231PD Z6, Z14, Z22
	VFMADD231PD Z9, Z10, Z23
	ADDQ R10, SI
	ADDQ R10, DI
	DECQ CX
	JNZ b32_loop
b32_store:
	MOVQ s+48(FP), AX
	VMOVUPD Z16, (AX)
	VMOVUPD Z17, 64(AX)
	VMOVUPD Z18, 128(AX)
	VMOVUPD Z19, 192(AX)
	MOVQ d+56(FP), AX
	VMOVUPD Z20, (AX)
	VMOVUPD Z21, 64(AX)
	VMOVUPD Z22, 128(AX)
	VMOVUPD Z23, 192(AX)
	VZEROUPPER
	RET
