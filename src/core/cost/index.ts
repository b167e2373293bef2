export { costOf, type Cost, type ModalityTokens, type UsageForCost } from './cost.js';
export {
  CURRENT_PRICING,
  PRICING_HISTORY,
  findPrice,
  findPricingVersion,
  pricingAt,
  type ModelPrice,
  type PricingTable,
  type Rates,
} from './pricing.js';
export { parseUsage, type ParsedUsage } from './usage.js';
