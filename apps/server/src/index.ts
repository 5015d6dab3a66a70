export { type GatewayStore, type OpenGatewayStoreOptions, openGatewayStore } from './gateway-store';
export type { CreateKeyOptions, GatewayKey } from './keys/gateway-key';
export type { UsageGrouping, UsageSummaryRow } from './ledger/ledger-storage';
export { defaultProviderFactories } from './provider-factories';
export { type RunningGateway, type StartGatewayOptions, startGateway } from './start-gateway';
