import { createCpuBackend } from '@tensile/backend-cpu';
import { describeConformance } from '../src/index.js';

describeConformance({ name: 'cpu', create: () => createCpuBackend() });
