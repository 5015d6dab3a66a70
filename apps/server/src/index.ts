export { startGateway, type StartGatewayOptions, type RunningGateway } from './start-gateway';
export { openGatewayStore, type GatewayStore } from './gateway-store';
export { defaultProviderFactories } from './provider-factories';
export type { GatewayKey, CreateKeyOptions } from './keys/gateway-key';
export type { UsageGrouping, UsageSummaryRow } from './ledger/usage-ledger';
