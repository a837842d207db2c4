import Testing
import VisTensor
import VisWeights

@Suite struct AttentionTests {
    func weights(_ f: SafetensorsFile, _ name: String) throws -> MultiHeadAttentionWeights {
        try MultiHeadAttentionWeights(
            qWeight: f.tensor("\(name).q_weight"), qBias: f.tensor("\(name).q_bias"),
            kWeight: f.tensor("\(name).k_weight"), kBias: f.tensor("\(name).k_bias"),
            vWeight: f.tensor("\(name).v_weight"), vBias: f.tensor("\(name).v_bias"),
            outWeight: f.tensor("\(name).out_weight"), outBias: f.tensor("\(name).out_bias"))
    }

    @Test func selfAttentionMatchesTorchWithPerHeadAndAveragedWeights() throws {
        let f = try attentionResampleFixtures()
        let x = try f.tensor("mha_self.x")
        let (output, perHead) = try multiHeadAttention(query: x, key: x, value: x, weights: weights(f, "mha_self"),
                                                       numHeads: 2, returnWeights: true)
        try expectMatches(output, "mha_self.output", in: f)
        let w = try #require(perHead)
        try expectMatches(w, "mha_self.weights_per_head", in: f)
        try expectMatches(try averagedOverHeads(w), "mha_self.weights_avg", in: f)
        // Without weights the output is the same.
        let (plain, none) = try multiHeadAttention(query: x, key: x, value: x, weights: weights(f, "mha_self"), numHeads: 2)
        #expect(none == nil)
        #expect(plain == output)
    }

    @Test func packedInProjectionSplitsIntoTheSameWeights() throws {
        let f = try attentionResampleFixtures()
        let packed = try MultiHeadAttentionWeights(inProjWeight: f.tensor("mha_self.in_proj_weight"),
                                                   inProjBias: f.tensor("mha_self.in_proj_bias"),
                                                   outWeight: f.tensor("mha_self.out_weight"), outBias: f.tensor("mha_self.out_bias"))
        let x = try f.tensor("mha_self.x")
        try expectMatches(try multiHeadAttention(query: x, key: x, value: x, weights: packed, numHeads: 2).output,
                          "mha_self.output", in: f)
    }

    @Test func crossAttentionWithAdditiveAndKeyPaddingMasksMatchesTorch() throws {
        let f = try attentionResampleFixtures()
        let padding = try KeyPaddingMask(nonZeroOf: f.tensor("mha_cross.key_padding_mask"))
        #expect(padding.ignored[4] && !padding.ignored[3] && padding.ignored[6])
        let (output, w) = try multiHeadAttention(
            query: f.tensor("mha_cross.query"), key: f.tensor("mha_cross.key"), value: f.tensor("mha_cross.value"),
            weights: weights(f, "mha_cross"), numHeads: 4,
            attentionMask: f.tensor("mha_cross.attn_mask"), keyPaddingMask: padding, returnWeights: true)
        try expectMatches(output, "mha_cross.output", in: f)
        let perHead = try #require(w)
        try expectMatches(perHead, "mha_cross.weights_per_head", in: f)
        // Padded keys (batch 0, keys 4 and 5) get exactly zero weight.
        #expect(perHead[0, 2, 1, 4] == 0 && perHead[0, 2, 1, 5] == 0)
    }

    @Test func perBatchHeadMaskMatchesTorch() throws {
        let f = try attentionResampleFixtures()
        let key = try f.tensor("mha_mask3d.key")
        let (output, w) = try multiHeadAttention(
            query: f.tensor("mha_mask3d.query"), key: key, value: key, weights: weights(f, "mha_mask3d"), numHeads: 2,
            attentionMask: f.tensor("mha_mask3d.attn_mask"), returnWeights: true)
        try expectMatches(output, "mha_mask3d.output", in: f)
        try expectMatches(try averagedOverHeads(try #require(w)), "mha_mask3d.weights_avg", in: f)
    }

    @Test func causalMatchesTorchSubsequentMask() throws {
        let f = try attentionResampleFixtures()
        let x = try f.tensor("mha_causal.x")
        let (output, w) = try multiHeadAttention(query: x, key: x, value: x, weights: weights(f, "mha_causal"),
                                                 numHeads: 2, causal: true, returnWeights: true)
        try expectMatches(output, "mha_causal.output", in: f)
        try expectMatches(try averagedOverHeads(try #require(w)), "mha_causal.weights_avg", in: f)
    }

    @Test func keyAndValueWidthsMayDifferFromEmbedding() throws {
        let f = try attentionResampleFixtures()
        let (output, w) = try multiHeadAttention(
            query: f.tensor("mha_kvdim.query"), key: f.tensor("mha_kvdim.key"), value: f.tensor("mha_kvdim.value"),
            weights: weights(f, "mha_kvdim"), numHeads: 2, returnWeights: true)
        try expectMatches(output, "mha_kvdim.output", in: f)
        try expectMatches(try #require(w), "mha_kvdim.weights_per_head", in: f)
    }

    @Test func fullyMaskedQueriesAttendToNothingLikeTorchSDPA() throws {
        let f = try attentionResampleFixtures()
        let x = try f.tensor("mha_fully_masked.x")
        let (output, w) = try multiHeadAttention(
            query: x, key: x, value: x, weights: weights(f, "mha_fully_masked"), numHeads: 2,
            keyPaddingMask: KeyPaddingMask(nonZeroOf: f.tensor("mha_fully_masked.key_padding_mask")), returnWeights: true)
        try expectMatches(output, "mha_fully_masked.output", in: f)
        let perHead = try #require(w)
        #expect(perHead.storage.allSatisfy { !$0.isNaN })
        // Batch 1 has every key padded: all of its weights are zero.
        #expect(perHead.storage[(perHead.count / 2)...].allSatisfy { $0 == 0 })
    }

    @Test func scaledDotProductAttentionMatchesTorch() throws {
        let f = try attentionResampleFixtures()
        let q = try f.tensor("sdpa.query"), k = try f.tensor("sdpa.key"), v = try f.tensor("sdpa.value")
        // The mask [1, 2, 4, 6] broadcasts over the batch and fully masks one row (torch gives zeros there).
        let masked = try scaledDotProductAttention(query: q, key: k, value: v, attentionMask: f.tensor("sdpa.attn_mask"),
                                                   returnWeights: true)
        try expectMatches(masked.output, "sdpa.output", in: f)
        let w = try #require(masked.weights)
        #expect(w[1, 1, 2, 0] == 0 && w[1, 1, 2, 5] == 0)
        var rowSum: Float = 0
        for j in 0..<6 { rowSum += w[1, 1, 1, j] }
        #expect(abs(rowSum - 1) < 1e-6)
        try expectMatches(try scaledDotProductAttention(query: q, key: k, value: v, causal: true).output,
                          "sdpa.output_causal", in: f)
        try expectMatches(try scaledDotProductAttention(query: q, key: k, value: v, scale: 0.25).output,
                          "sdpa.output_scale", in: f)
    }

    @Test func shapeMismatchesThrowNamingOpAndShapes() throws {
        let f = try attentionResampleFixtures()
        let w = try weights(f, "mha_self")
        let x = Tensor(zeros: [2, 5, 8])
        expectTensorError(mentioning: ["multiHeadAttention", "[2, 5, 6]"]) { () throws(TensorError) in
            _ = try multiHeadAttention(query: Tensor(zeros: [2, 5, 6]), key: x, value: x, weights: w, numHeads: 2)
        }
        expectTensorError(mentioning: ["multiHeadAttention", "[2, 4, 8]", "[2, 5, 8]"]) { () throws(TensorError) in
            _ = try multiHeadAttention(query: x, key: x, value: Tensor(zeros: [2, 4, 8]), weights: w, numHeads: 2)
        }
        expectTensorError(mentioning: ["multiHeadAttention", "3 heads"]) { () throws(TensorError) in
            _ = try multiHeadAttention(query: x, key: x, value: x, weights: w, numHeads: 3)
        }
        expectTensorError(mentioning: ["multiHeadAttention", "[5, 4]"]) { () throws(TensorError) in
            _ = try multiHeadAttention(query: x, key: x, value: x, weights: w, numHeads: 2, attentionMask: Tensor(zeros: [5, 4]))
        }
        expectTensorError(mentioning: ["multiHeadAttention", "[3, 5]", "[2, 5]"]) { () throws(TensorError) in
            let padding = try KeyPaddingMask(batch: 3, keyLength: 5, ignored: Array(repeating: false, count: 15))
            _ = try multiHeadAttention(query: x, key: x, value: x, weights: w, numHeads: 2, keyPaddingMask: padding)
        }
        expectTensorError(mentioning: ["MultiHeadAttentionWeights", "[8, 7]"]) { () throws(TensorError) in
            _ = try MultiHeadAttentionWeights(qWeight: w.qWeight, qBias: nil, kWeight: w.kWeight, kBias: nil,
                                              vWeight: w.vWeight, vBias: nil, outWeight: Tensor(zeros: [8, 7]), outBias: nil)
        }
        let q = Tensor(zeros: [1, 2, 3, 4])
        expectTensorError(mentioning: ["scaledDotProductAttention", "[1, 2, 5, 3]"]) { () throws(TensorError) in
            _ = try scaledDotProductAttention(query: q, key: Tensor(zeros: [1, 2, 5, 3]), value: Tensor(zeros: [1, 2, 5, 4]))
        }
        expectTensorError(mentioning: ["scaledDotProductAttention", "[3, 3, 5]", "[1, 2, 3, 5]"]) { () throws(TensorError) in
            _ = try scaledDotProductAttention(query: q, key: Tensor(zeros: [1, 2, 5, 4]), value: Tensor(zeros: [1, 2, 5, 4]),
                                              attentionMask: Tensor(zeros: [3, 3, 5]))
        }
    }
}
