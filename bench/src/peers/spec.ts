/**
 * The peer benchmark's single source of truth: which workloads exist, their model sizes and
 * hyperparameters, and how long each may be measured. Every library's implementation reads its
 * shapes from here, so the models cannot drift apart.
 */

/** The workloads, in the order they run and print. */
export const WORKLOADS = ['matmul', 'mlp', 'cnn', 'lstm', 'elementwise'] as const;

/** One benchmark workload. */
export type WorkloadId = (typeof WORKLOADS)[number];

/** The libraries compared, in the order they run and print. */
export const PEERS = ['tensile', 'tfjsCpu', 'tfjsWasm', 'jaxJs'] as const;

/** One library (and backend) under test. */
export type PeerId = (typeof PEERS)[number];

/** Display names of the peers. */
export const PEER_LABELS: Record<PeerId, string> = {
  tensile: 'Tensile (backend-cpu)',
  tfjsCpu: 'tfjs-cpu',
  tfjsWasm: 'tfjs-wasm',
  jaxJs: 'jax-js (wasm)',
};

/** Threads asked of every multi-threaded peer (the benchmark machine has 2 cores). */
export const THREADS = 2;

/** How a workload is reported and how long it may be measured. */
export interface WorkloadInfo {
  /** Row label of the Markdown table. */
  readonly label: string;
  /** True when the step trains (forward + backward + Adam), so a failure reads "cannot train". */
  readonly trains: boolean;
  /** Floating-point operations of one step, when the result is reported as GFLOP/s. */
  readonly flops?: number;
  /** Untimed calls before measuring (the first also compiles and yields the check value). */
  readonly warmup: number;
  /** Timed calls wanted; fewer are taken once `budgetMs` is spent (but never under 3). */
  readonly maxSamples: number;
  /** Wall-clock budget of the timed calls of one peer, in milliseconds. */
  readonly budgetMs: number;
}

/** Matmul: square fp32 product. */
export const MATMUL = { n: 1024 } as const;

/** MLP 784-512-256-10 classifier (ReLU, softmax cross-entropy). */
export const MLP = { sizes: [784, 512, 256, 10], batch: 128 } as const;

/**
 * CNN: conv3x3(32, SAME)-ReLU-maxpool2, conv3x3(64, SAME)-ReLU-maxpool2, fc128-ReLU, fc10, on
 * 28×28×1 images.
 */
export const CNN = {
  batch: 64,
  image: 28,
  channels: [1, 32, 64],
  kernel: 3,
  hidden: 128,
  classes: 10,
} as const;

/** LSTM classifier: embedding, one LSTM layer over the sequence, a dense head on the last state. */
export const LSTM = {
  batch: 32,
  seq: 64,
  vocab: 5000,
  embed: 64,
  hidden: 128,
  classes: 2,
} as const;

/** Elementwise chain `tanh(x*2+1)*sigmoid(x)`. */
export const ELEMENTWISE = { size: 1 << 20 } as const;

/** Adam as torch.optim.Adam's defaults (tfjs's default epsilon differs and is overridden). */
export const ADAM = { learningRate: 1e-3, b1: 0.9, b2: 0.999, eps: 1e-8 } as const;

/** Per-workload reporting and measuring policy. */
export const WORKLOAD_INFO: Record<WorkloadId, WorkloadInfo> = {
  matmul: {
    label: `matmul N=${MATMUL.n} (GFLOP/s)`,
    trains: false,
    flops: 2 * MATMUL.n ** 3,
    warmup: 2,
    maxSamples: 10,
    budgetMs: 3000,
  },
  mlp: {
    label: `MLP ${MLP.sizes.join('-')}, batch ${MLP.batch} (ms/step)`,
    trains: true,
    warmup: 3,
    maxSamples: 20,
    budgetMs: 4000,
  },
  cnn: {
    label: `CNN conv${CNN.channels[1]}-pool-conv${CNN.channels[2]}-pool-fc${CNN.hidden}-fc${CNN.classes}, batch ${CNN.batch} (ms/step)`,
    trains: true,
    warmup: 2,
    maxSamples: 10,
    budgetMs: 6000,
  },
  lstm: {
    label: `LSTM batch ${LSTM.batch}, seq ${LSTM.seq}, vocab ${LSTM.vocab}, emb ${LSTM.embed}, hidden ${LSTM.hidden} (ms/step)`,
    trains: true,
    warmup: 2,
    maxSamples: 10,
    budgetMs: 6000,
  },
  elementwise: {
    label: `elementwise tanh(x*2+1)*sigmoid(x), ${ELEMENTWISE.size / (1 << 20)}M (ms)`,
    trains: false,
    warmup: 5,
    maxSamples: 30,
    budgetMs: 2000,
  },
};
