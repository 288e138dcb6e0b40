/**
 * A small built-in directory of bodies that receive referrals. Only what we are sure of: the body, its country,
 * its public website and what it receives. None of them publishes a machine-readable intake format that we know
 * of (reports go through their web forms or the channel they agree with the provider), so the export of a referral
 * to them is our own documented JSON format (`vigie.referral/1`, docs/orders.md), from which the form is filled.
 * Recipients that are not listed are named by hand on the referral.
 */
export interface ReferralRecipient {
  id: string;
  name: string;
  /** Eurostat code, or null for an EU body. */
  member_state: string | null;
  kind: 'threat_to_life_or_safety' | 'csam_hotline';
  url: string;
  receives: string;
  /** How the body takes reports, as far as it documents it. */
  intake: string;
}

export const REFERRAL_FORMAT = 'vigie.referral/1';

export const REFERRAL_RECIPIENTS: readonly ReferralRecipient[] = [
  {
    id: 'eu-europol',
    name: 'Europol',
    member_state: null,
    kind: 'threat_to_life_or_safety',
    url: 'https://www.europol.europa.eu',
    receives: 'DSA Art. 18(2): notifications when the member state concerned cannot be identified with reasonable certainty',
    intake: 'the channel Europol agrees with the provider; export in vigie.referral/1',
  },
  {
    id: 'de-bka',
    name: 'Bundeskriminalamt (BKA), central agency for DSA Art. 18 notifications',
    member_state: 'DE',
    kind: 'threat_to_life_or_safety',
    url: 'https://bka.de/EN/OurTasks/Remit/CentralAgency/DigitalServicesAct/',
    receives: 'DSA Art. 18 notifications of suspected criminal offences involving a threat to the life or safety of persons, Germany',
    intake: 'as described on its DSA page; export in vigie.referral/1',
  },
  {
    id: 'fr-pharos',
    name: 'PHAROS (internet-signalement.gouv.fr), police and gendarmerie',
    member_state: 'FR',
    kind: 'threat_to_life_or_safety',
    url: 'https://www.internet-signalement.gouv.fr',
    receives: 'reports of illegal online content and behaviour, France',
    intake: 'web form; export in vigie.referral/1',
  },
  {
    id: 'fr-point-de-contact',
    name: 'Point de Contact',
    member_state: 'FR',
    kind: 'csam_hotline',
    url: 'https://www.pointdecontact.net',
    receives: 'reports of child sexual abuse material and other illegal content; INHOPE member hotline for France',
    intake: 'web form; export in vigie.referral/1',
  },
  {
    id: 'de-eco',
    name: 'eco Beschwerdestelle (eco – Verband der Internetwirtschaft)',
    member_state: 'DE',
    kind: 'csam_hotline',
    url: 'https://www.eco.de',
    receives: 'reports of child sexual abuse material and other illegal content; INHOPE member hotline for Germany',
    intake: 'web form; export in vigie.referral/1',
  },
  {
    id: 'ie-hotline',
    name: 'Hotline.ie',
    member_state: 'IE',
    kind: 'csam_hotline',
    url: 'https://www.hotline.ie',
    receives: 'reports of child sexual abuse material; INHOPE member hotline for Ireland',
    intake: 'web form; export in vigie.referral/1',
  },
  {
    id: 'nl-offlimits',
    name: 'Offlimits (formerly EOKM)',
    member_state: 'NL',
    kind: 'csam_hotline',
    url: 'https://www.offlimits.nl',
    receives: 'reports of child sexual abuse material; INHOPE member hotline for the Netherlands',
    intake: 'web form; export in vigie.referral/1',
  },
  {
    id: 'be-child-focus',
    name: 'Child Focus',
    member_state: 'BE',
    kind: 'csam_hotline',
    url: 'https://www.childfocus.be',
    receives: 'reports of child sexual abuse material; INHOPE member hotline for Belgium',
    intake: 'web form; export in vigie.referral/1',
  },
];

export const RECIPIENT_IDS = REFERRAL_RECIPIENTS.map((r) => r.id) as [string, ...string[]];

export const findRecipient = (id: string): ReferralRecipient | undefined => REFERRAL_RECIPIENTS.find((r) => r.id === id);
