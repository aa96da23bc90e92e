// Masking lives in @membership/viewer beside the rule, so identity masks its own fields alike.
export { maskValue } from '@membership/viewer';
