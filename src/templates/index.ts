export { type CompileCache, createCompileCache } from './compileCache.ts';
export { compileCampaign } from './compileCampaign.ts';
export { FOOTER_LANGUAGES } from './footer.ts';
export { type LoadResult, listTemplates, loadTemplate } from './loadTemplate.ts';
export { fillPartnerOffer, type OfferFillResult, type PartnerOffer } from './partnerOffer.ts';
export { pickVariant, type Variants } from './pickVariant.ts';
export { SLOTS, SUBJECT_SLOTS, unknownPlaceholders } from './placeholders.ts';
export { renderFor, renderSubject } from './render.ts';
export type * from './types.ts';
