/** Which API shape a gateway endpoint speaks; errors are written in the same shape. */
export type ApiDialect = 'openai' | 'hf' | 'native';
