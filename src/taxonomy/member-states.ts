/**
 * The 27 EU member states by their Eurostat codes, as the transparency templates of Implementing Regulation
 * (EU) 2024/2835 and EU bodies write them: ISO 3166-1 alpha-2 except Greece, which is `EL` (ISO `GR`).
 * Orders and referrals name member states this way; `GR` is refused so that one country has one code.
 */
export const EU_MEMBER_STATES = [
  'AT', 'BE', 'BG', 'CY', 'CZ', 'DE', 'DK', 'EE', 'EL', 'ES', 'FI', 'FR', 'HR', 'HU',
  'IE', 'IT', 'LT', 'LU', 'LV', 'MT', 'NL', 'PL', 'PT', 'RO', 'SE', 'SI', 'SK',
] as const;
export type MemberState = (typeof EU_MEMBER_STATES)[number];

export function isMemberState(code: string): code is MemberState {
  return (EU_MEMBER_STATES as readonly string[]).includes(code);
}

/** The ISO 3166-1 code of a member state (for the Transparency Database's territorial scope, which uses `GR`). */
export const isoOfMemberState = (code: MemberState): string => (code === 'EL' ? 'GR' : code);
