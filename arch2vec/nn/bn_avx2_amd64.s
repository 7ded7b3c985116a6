#include "textflag.h"

// AVX2 + FMA versions of the BatchNorm passes of nn_amd64.s, 8 columns per
// vector instead of 16. Each column goes through the same instructions in
// the same order as on the AVX-512 path, so both paths give bit-identical
// results. Y15 (whose low half is X15, zero in ABIInternal) is not used.

// func scaleShiftRowsAVX2(y, x *float32, rows, w, ld int, al, be *float32, relu bool)
// As scaleShiftRows, w a multiple of 8.
TEXT ·scaleShiftRowsAVX2(SB), NOSPLIT, $0-57
	MOVQ y+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ rows+16(FP), CX
	MOVQ w+24(FP), DX
	MOVQ ld+32(FP), R10
	MOVQ al+40(FP), R8
	MOVQ be+48(FP), R9
	MOVBLZX relu+56(FP), AX
	TESTQ CX, CX
	JZ ssa_done
ssa_row:
	XORQ BX, BX
ssa_col:
	VMOVUPS (SI)(BX*4), Y0
	VMOVUPS (R9)(BX*4), Y1
	VFMADD231PS (R8)(BX*4), Y0, Y1
	TESTQ AX, AX
	JZ ssa_store
	VPSRAD $31, Y1, Y2
	VPANDN Y1, Y2, Y1
ssa_store:
	VMOVUPS Y1, (DI)(BX*4)
	ADDQ $8, BX
	CMPQ BX, DX
	JLT ssa_col
	LEAQ (SI)(R10*4), SI
	LEAQ (DI)(R10*4), DI
	DECQ CX
	JNZ ssa_row
ssa_done:
	VZEROUPPER
	RET

// func bnSumsAVX2(gp, x, y *float32, rows, ld int, mean *float32, s, d *float64)
// As bnSums for 8 columns.
TEXT ·bnSumsAVX2(SB), NOSPLIT, $0-64
	MOVQ gp+0(FP), SI
	MOVQ x+8(FP), DI
	MOVQ y+16(FP), DX
	MOVQ rows+24(FP), CX
	MOVQ ld+32(FP), R10
	SHLQ $2, R10
	MOVQ mean+40(FP), AX
	VMOVUPS (AX), Y0
	VXORPS Y8, Y8, Y8
	VXORPD Y10, Y10, Y10
	VXORPD Y11, Y11, Y11
	VXORPD Y12, Y12, Y12
	VXORPD Y13, Y13, Y13
	TESTQ CX, CX
	JZ bsa_store
bsa_loop:
	VMOVUPS (SI), Y1
	TESTQ DX, DX
	JZ bsa_acc
	VMOVUPS (DX), Y7
	VCMPPS $6, Y8, Y7, Y6
	VANDPS Y6, Y1, Y1
	ADDQ R10, DX
bsa_acc:
	VCVTPS2PD X1, Y2
	VEXTRACTF128 $1, Y1, X3
	VCVTPS2PD X3, Y3
	VADDPD Y2, Y10, Y10
	VADDPD Y3, Y11, Y11
	VMOVUPS (DI), Y4
	VSUBPS Y0, Y4, Y4
	VCVTPS2PD X4, Y5
	VEXTRACTF128 $1, Y4, X9
	VCVTPS2PD X9, Y9
	VFMADD231PD Y2, Y5, Y12
	VFMADD231PD Y3, Y9, Y13
	ADDQ R10, SI
	ADDQ R10, DI
	DECQ CX
	JNZ bsa_loop
bsa_store:
	MOVQ s+48(FP), AX
	VMOVUPD Y10, (AX)
	VMOVUPD Y11, 32(AX)
	MOVQ d+56(FP), AX
	VMOVUPD Y12, (AX)
	VMOVUPD Y13, 32(AX)
	VZEROUPPER
	RET

// func bnDxAVX2(dx, gp, x, y *float32, rows, w, ld int, mean, mg, kk, sc *float32, train bool)
// As bnDx, w a multiple of 8.
TEXT ·bnDxAVX2(SB), NOSPLIT, $0-89
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
	VXORPS Y8, Y8, Y8
	TESTQ CX, CX
	JZ bda_done
bda_row:
	XORQ BX, BX
bda_col:
	VMOVUPS (SI)(BX*4), Y1
	TESTQ DX, DX
	JZ bda_have
	VMOVUPS (DX)(BX*4), Y7
	VCMPPS $6, Y8, Y7, Y6
	VANDPS Y6, Y1, Y1
bda_have:
	CMPB train+88(FP), $0
	JEQ bda_eval
	VMOVUPS (DI)(BX*4), Y4
	VSUBPS (R8)(BX*4), Y4, Y4
	VSUBPS (R9)(BX*4), Y1, Y1
	VFNMADD231PS (R13)(BX*4), Y4, Y1
bda_eval:
	VMULPS (AX)(BX*4), Y1, Y1
	VMOVUPS Y1, (R11)(BX*4)
	ADDQ $8, BX
	CMPQ BX, R12
	JLT bda_col
	ADDQ R10, SI
	ADDQ R10, DI
	ADDQ R10, R11
	TESTQ DX, DX
	JZ bda_next
	ADDQ R10, DX
bda_next:
	DECQ CX
	JNZ bda_row
bda_done:
	VZEROUPPER
	RET

// func bnStatsAVX2(x *float32, rows, ld int, n float64, mean, sq *float64)
// As bnStats for 8 columns; rows must be at least 1.
TEXT ·bnStatsAVX2(SB), NOSPLIT, $0-48
	MOVQ x+0(FP), SI
	MOVQ rows+8(FP), CX
	MOVQ ld+16(FP), R10
	SHLQ $2, R10
	VXORPD Y10, Y10, Y10
	VXORPD Y11, Y11, Y11
	MOVQ SI, DI
	MOVQ CX, DX
bta_sum:
	VMOVUPS (DI), Y1
	VCVTPS2PD X1, Y2
	VEXTRACTF128 $1, Y1, X3
	VCVTPS2PD X3, Y3
	VADDPD Y2, Y10, Y10
	VADDPD Y3, Y11, Y11
	ADDQ R10, DI
	DECQ DX
	JNZ bta_sum
	VBROADCASTSD n+24(FP), Y4
	VDIVPD Y4, Y10, Y10
	VDIVPD Y4, Y11, Y11
	VXORPD Y12, Y12, Y12
	VXORPD Y13, Y13, Y13
bta_sq:
	VMOVUPS (SI), Y1
	VCVTPS2PD X1, Y2
	VEXTRACTF128 $1, Y1, X3
	VCVTPS2PD X3, Y3
	VSUBPD Y10, Y2, Y2
	VSUBPD Y11, Y3, Y3
	VFMADD231PD Y2, Y2, Y12
	VFMADD231PD Y3, Y3, Y13
	ADDQ R10, SI
	DECQ CX
	JNZ bta_sq
	MOVQ mean+32(FP), AX
	VMOVUPD Y10, (AX)
	VMOVUPD Y11, 32(AX)
	MOVQ sq+40(FP), AX
	VMOVUPD Y12, (AX)
	VMOVUPD Y13, 32(AX)
	VZEROUPPER
	RET
