/**
 * ILLUSTRATIVE, NOT LEGAL ADVICE. A summary, written from public announcements, of goods and
 * destinations that export-control regimes single out for advanced-computing items, to drive the
 * customs detectors. HS codes only approximate control lists (controls apply to ECCNs and
 * performance thresholds, not to tariff lines), and the lists change: check the official texts.
 */
const DISCLAIMER =
  "Illustrative only, not legal advice: HS codes approximate export-control lists (which are defined by ECCN and technical " +
  "parameters, not tariff lines); dates and lists are simplified from public announcements and may be incomplete or out of date.";

const SOURCES = [
  "US BIS, advanced computing and semiconductor manufacturing rule, 7 Oct 2022 (ECCN 3A090/4A090)",
  "US BIS, updated advanced computing rule, 17 Oct 2023 (in force 17 Nov 2023)",
  "EU, UK, US, Japan: Common High Priority List of items for Russia (tiers 1-4), 2023",
];

const tier1 = (hs: string, description: string) => ({ hs, description, tier: "CHPL tier 1", effectiveFrom: "2023-09-01" });
const tier2 = (hs: string, description: string) => ({ hs, description, tier: "CHPL tier 2", effectiveFrom: "2023-09-01" });
const accel = (hs: string, description: string, effectiveFrom: string) => ({ hs, description, tier: "advanced computing", effectiveFrom });

const DESTINATIONS_2024 = [
  { country: "CN", effectiveFrom: "2022-10-07", note: "advanced computing rule" },
  { country: "MO", effectiveFrom: "2022-10-07", note: "advanced computing rule" },
  { country: "HK", effectiveFrom: "2020-07-14", note: "treated as China for export controls" },
  { country: "RU", effectiveFrom: "2022-02-24", note: "sanctions and CHPL" },
];

export const EXPORT_CONTROLLED_ACCELERATORS_2024_1 = {
  name: "export-controlled-accelerators",
  version: "2024.1",
  title: "Controlled accelerators and priority electronics (illustrative, 2024)",
  illustrative: true,
  disclaimer: DISCLAIMER,
  sources: SOURCES,
  goods: [
    accel("854231", "processors and controllers (GPUs, accelerators)", "2022-10-07"),
    accel("847180", "other data-processing units (accelerator boards, servers)", "2022-10-07"),
    accel("847330", "parts and accessories of computers (accelerator modules)", "2022-10-07"),
    accel("847150", "processing units (servers)", "2023-11-17"),
    tier1("854232", "memories"),
    tier1("854233", "amplifiers"),
    tier1("854239", "other electronic integrated circuits"),
  ],
  destinations: DESTINATIONS_2024,
};

export const EXPORT_CONTROLLED_ACCELERATORS_2025_1 = {
  ...EXPORT_CONTROLLED_ACCELERATORS_2024_1,
  version: "2025.1",
  title: "Controlled accelerators and priority electronics (illustrative, 2025)",
  goods: [
    ...EXPORT_CONTROLLED_ACCELERATORS_2024_1.goods,
    tier2("851762", "machines for the reception, conversion and transmission of data"),
    tier2("852691", "radio navigational aid apparatus"),
  ],
  destinations: [...DESTINATIONS_2024, { country: "BY", effectiveFrom: "2022-03-02", note: "sanctions alongside Russia" }],
};
