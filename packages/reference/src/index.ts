export {
  type Area,
  allCountries,
  type Country,
  type CountryGroup,
  countryByAlpha2,
  countryByAlpha3,
  countryByNumeric,
  resolveComtradeCode,
  resolveCountry,
} from "./countries";
export { COUNTRY_TABLE_VERSION } from "./countryTable";
export { type FxTable, SCALES, type Scale, toUsd } from "./currency";
export {
  companyCalendar,
  FISCAL_CALENDARS,
  type FiscalCalendar,
  fiscalQuarterDates,
  lastWeekdayOfMonth,
  monthsCovered,
  type QuarterDates,
} from "./fiscalCalendar";
export {
  compareFiscal,
  type FiscalQuarter,
  fiscalIndex,
  formatFiscalPeriod,
  formatReportingPeriod,
  parseFiscalPeriod,
  parseReportingPeriod,
  type ReportingPeriod,
  shiftFiscalYear,
} from "./fiscalPeriod";
export { type HsCode, parseHsCode } from "./hsCode";
export { normalizeLabel, type Region, type RevenueRegion, resolveRegion, resolveRevenueRegion, TOTAL_REGION_ID } from "./regions";
export { basisWording, parseRevenueBasis, type RevenueBasisId } from "./revenueBasis";
