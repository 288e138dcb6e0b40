-- Help and legal remedies for victims (docs/help-resources.md): reporting points, helplines, legal bodies and
-- victim support, by country ('EU' / 'INT' for European / international ones) and by harm. Instance-wide data
-- that instance administrators edit; shown publicly (GET /v1/public/help-resources).

create table help_resources (
  id uuid primary key default gen_random_uuid(),
  -- ISO 3166-1 alpha-2 (upper case), or EU (European) / INT (international).
  country text not null check (country ~ '^([A-Z]{2}|EU|INT)$'),
  -- Slugs of src/support/schemas.ts HARMS; at least one.
  harms text[] not null check (
    cardinality(harms) > 0
    and harms <@ array['terrorism', 'child_sexual_abuse', 'hate_speech', 'harassment', 'non_consensual_intimate_images', 'scams', 'self_harm', 'other']::text[]
  ),
  kind text not null check (kind in ('reporting_point', 'helpline', 'legal', 'victim_support')),
  -- {"fr": "...", "en": "..."}
  name jsonb not null check (jsonb_typeof(name -> 'fr') = 'string' and jsonb_typeof(name -> 'en') = 'string'),
  description jsonb not null check (jsonb_typeof(description -> 'fr') = 'string' and jsonb_typeof(description -> 'en') = 'string'),
  url text check (url is null or url like 'https://%'),
  phone text check (phone is null or phone ~ '^[+0-9 ()-]{2,32}$'),
  -- {"fr": "...", "en": "..."} or null when not known for sure.
  hours jsonb check (hours is null or (jsonb_typeof(hours -> 'fr') = 'string' and jsonb_typeof(hours -> 'en') = 'string')),
  -- Where the entry can be checked (the organisation's official site).
  source_url text not null check (source_url like 'https://%'),
  -- When someone last checked the entry against source_url; null: not checked on this instance yet.
  verified_at date,
  position int not null default 100,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index help_resources_country_idx on help_resources (country, position);

-- Seed: public, official services only, each with the official site it can be verified on. verified_at is
-- left null: the operator checks each entry against its source_url (names, numbers) and records the date.
-- Opening hours are given only where they are part of the service's well-known definition (24/7 lines).
insert into help_resources (country, harms, kind, name, description, url, phone, hours, source_url, position) values
('FR', array['terrorism', 'child_sexual_abuse', 'hate_speech', 'scams', 'other'], 'reporting_point',
  '{"fr": "PHAROS – Plateforme de signalement des contenus illicites", "en": "PHAROS – French government platform for reporting illegal online content"}',
  '{"fr": "Plateforme du ministère de l''Intérieur pour signaler aux services de police et de gendarmerie un contenu ou un comportement illicite sur internet.", "en": "Ministry of the Interior platform for reporting illegal online content or behaviour to the French police and gendarmerie."}',
  'https://internet-signalement.gouv.fr', null, null, 'https://internet-signalement.gouv.fr', 10),
('FR', array['harassment', 'non_consensual_intimate_images', 'hate_speech'], 'helpline',
  '{"fr": "3018 – Numéro national contre le cyberharcèlement (e-Enfance)", "en": "3018 – French national helpline against cyberbullying (e-Enfance)"}',
  '{"fr": "Numéro gratuit et confidentiel de l''association e-Enfance pour les jeunes victimes de violences numériques (cyberharcèlement, diffusion d''images intimes) et leurs parents.", "en": "Free and confidential helpline run by the e-Enfance association for young victims of online violence (cyberbullying, sharing of intimate images) and their parents."}',
  'https://3018.fr', '3018', null, 'https://3018.fr', 20),
('FR', array['child_sexual_abuse', 'harassment', 'other'], 'helpline',
  '{"fr": "119 – Allô Enfance en danger", "en": "119 – Children at risk helpline (Allô Enfance en danger)"}',
  '{"fr": "Numéro national gratuit pour les enfants en danger ou en risque de l''être, et pour toute personne qui s''inquiète pour un enfant.", "en": "Free national number for children in danger or at risk, and for anyone worried about a child."}',
  'https://allo119.gouv.fr', '119', '{"fr": "24 h/24, 7 j/7", "en": "24/7"}', 'https://allo119.gouv.fr', 30),
('FR', array['harassment', 'non_consensual_intimate_images', 'other'], 'helpline',
  '{"fr": "3919 – Violences Femmes Info", "en": "3919 – Violence against women helpline (Violences Femmes Info)"}',
  '{"fr": "Numéro national d''écoute, anonyme et gratuit, pour les femmes victimes de violences, leur entourage et les professionnels.", "en": "Free, anonymous national helpline for women who experience violence, the people around them and professionals."}',
  'https://arretonslesviolences.gouv.fr', '3919', '{"fr": "24 h/24, 7 j/7", "en": "24/7"}', 'https://arretonslesviolences.gouv.fr', 40),
('FR', array['child_sexual_abuse', 'terrorism', 'hate_speech', 'non_consensual_intimate_images'], 'reporting_point',
  '{"fr": "Point de Contact", "en": "Point de Contact"}',
  '{"fr": "Service associatif de signalement de contenus illicites en ligne, membre du réseau INHOPE des hotlines.", "en": "Non-profit service for reporting illegal online content, member of the INHOPE network of hotlines."}',
  'https://pointdecontact.net', null, null, 'https://pointdecontact.net', 50),
('FR', array['hate_speech', 'harassment', 'other'], 'legal',
  '{"fr": "Défenseur des droits", "en": "Défenseur des droits (French rights ombudsman)"}',
  '{"fr": "Autorité indépendante : lutte contre les discriminations, défense des droits de l''enfant et des usagers des services publics. Saisine gratuite.", "en": "Independent authority: fights discrimination, defends the rights of children and of public service users. Free to contact."}',
  'https://defenseurdesdroits.fr', null, null, 'https://defenseurdesdroits.fr', 60),
('FR', array['harassment', 'hate_speech', 'non_consensual_intimate_images', 'scams', 'terrorism', 'other'], 'victim_support',
  '{"fr": "France Victimes – 116 006", "en": "France Victimes – 116 006 (victim support)"}',
  '{"fr": "Réseau national d''associations d''aide aux victimes : écoute, information sur les droits, accompagnement. Numéro gratuit 116 006.", "en": "National network of victim support associations: listening, information on rights, support. Free number 116 006."}',
  'https://france-victimes.fr', '116 006', null, 'https://france-victimes.fr', 70),
('INT', array['child_sexual_abuse'], 'reporting_point',
  '{"fr": "INHOPE – Réseau international des hotlines", "en": "INHOPE – International network of hotlines"}',
  '{"fr": "Réseau international de hotlines pour signaler les contenus d''abus sexuels sur enfants ; permet de trouver la hotline de son pays.", "en": "International network of hotlines for reporting child sexual abuse material; lists the hotline of each country."}',
  'https://inhope.org', null, null, 'https://inhope.org', 10),
('DE', array['child_sexual_abuse', 'terrorism', 'hate_speech', 'self_harm', 'other'], 'reporting_point',
  '{"fr": "jugendschutz.net", "en": "jugendschutz.net"}',
  '{"fr": "Centre commun de l''État fédéral et des Länder pour la protection des mineurs sur internet ; reçoit les signalements de contenus dangereux pour les mineurs.", "en": "Joint centre of the German Federal Government and the Länder for the protection of minors online; takes reports of content harmful to minors."}',
  'https://jugendschutz.net', null, null, 'https://jugendschutz.net', 10),
('DE', array['hate_speech', 'harassment', 'non_consensual_intimate_images'], 'victim_support',
  '{"fr": "HateAid", "en": "HateAid"}',
  '{"fr": "Organisation d''aide aux personnes victimes de violences numériques : conseil et soutien pour faire valoir leurs droits.", "en": "Organisation supporting people affected by digital violence: counselling and help to enforce their rights."}',
  'https://hateaid.org', null, null, 'https://hateaid.org', 20),
('BE', array['child_sexual_abuse', 'non_consensual_intimate_images'], 'helpline',
  '{"fr": "Child Focus – 116 000", "en": "Child Focus – 116 000"}',
  '{"fr": "Fondation pour enfants disparus et sexuellement exploités ; numéro 116 000 et signalement d''images d''abus sexuels sur enfants.", "en": "Foundation for missing and sexually exploited children; number 116 000 and reporting of child sexual abuse images."}',
  'https://childfocus.be', '116 000', null, 'https://childfocus.be', 10),
('GB', array['child_sexual_abuse'], 'reporting_point',
  '{"fr": "Internet Watch Foundation (IWF)", "en": "Internet Watch Foundation (IWF)"}',
  '{"fr": "Organisation britannique qui reçoit les signalements, anonymes possibles, d''images et vidéos d''abus sexuels sur enfants en ligne.", "en": "UK organisation taking reports, which may be anonymous, of online child sexual abuse images and videos."}',
  'https://iwf.org.uk', null, null, 'https://iwf.org.uk', 10),
('GB', array['non_consensual_intimate_images'], 'helpline',
  '{"fr": "Revenge Porn Helpline", "en": "Revenge Porn Helpline"}',
  '{"fr": "Service britannique d''aide aux adultes victimes de diffusion non consentie d''images intimes.", "en": "UK service supporting adults affected by intimate image abuse."}',
  'https://revengepornhelpline.org.uk', null, null, 'https://revengepornhelpline.org.uk', 20),
('GB', array['harassment', 'hate_speech', 'self_harm', 'other'], 'reporting_point',
  '{"fr": "Report Harmful Content", "en": "Report Harmful Content"}',
  '{"fr": "Service britannique qui aide à signaler les contenus préjudiciables aux plateformes et intervient quand un signalement reste sans réponse.", "en": "UK service helping people report harmful content to platforms, and stepping in when a report gets no answer."}',
  'https://reportharmfulcontent.com', null, null, 'https://reportharmfulcontent.com', 30),
('ES', array['scams', 'harassment', 'other'], 'helpline',
  '{"fr": "INCIBE – 017, ligne d''aide en cybersécurité", "en": "INCIBE – 017, cybersecurity helpline"}',
  '{"fr": "Ligne gratuite et confidentielle de l''Institut national de cybersécurité espagnol pour les particuliers, les mineurs, leurs familles et les entreprises.", "en": "Free and confidential helpline of the Spanish National Cybersecurity Institute for citizens, minors, their families and businesses."}',
  'https://incibe.es', '017', null, 'https://incibe.es', 10);
