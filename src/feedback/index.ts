/**
 * The feedback loop (SPEC 7): learning signals for Phases 16, 18 and 20 after each wave, and
 * calibration of predictions against outcomes (per wave, per run, and the isotonic fit behind
 * `buddy calibrate`). Everything here is a pure function of WaveObservations.
 */
export { calibrationMetrics, CALIBRATION_BINS, type PredictionPair } from "./calibration";
export { isotonicFit, applyIsotonic } from "./isotonic";
export { assignFolds, outOfFoldPairs } from "./cross-validation";
export { recalibrate, MIN_CALIBRATION_PAIRS, SHRINKAGE_PAIRS, type KeyedPair } from "./recalibration";
export { IsotonicFitSchema, CrossValidationSchema, type IsotonicFit } from "./recalibration-schema";
export { predictionPairs, keyedPairs, ranTasks } from "./pairs";
export { waveLoad, type WaveLoad } from "./load";
export { agentPerformance } from "./agent-performance";
export { waveSignals, signalConfidence, signalsForPhase } from "./signals";
export { CONFIDENT_MISS, withEveryPrediction } from "./prediction";
export * from "./types";
