# expect: refused: torch.utils
torch.utils.cpp_extension.load_inline("x", "int main(){}")
