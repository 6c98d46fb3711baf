export {
  compareFiscal,
  type FiscalQuarter,
  fiscalIndex,
  formatFiscalPeriod,
  parseFiscalPeriod,
  shiftFiscalYear,
} from "./fiscalPeriod";
export { normalizeLabel, type Region, resolveRegion } from "./regions";
